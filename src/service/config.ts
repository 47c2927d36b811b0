import { z } from 'zod';
import { validationError } from '../domain/actions.js';

/**
 * The service's configuration, read from the environment (documented in the README). Every value
 * has a default that lets `npm start` run on a fresh machine with nothing else set up.
 */
export interface ServiceConfig {
  port: number;
  host: string;
  /** Unset → SQLite in `./data/connector.db`; `sqlite:PATH`; `postgres://…`. */
  databaseUrl: string | undefined;
  /** Where generated secrets and the default SQLite file live. */
  dataDir: string;
  engine: 'sandbox' | 'baileys';
  /** Unset → generated at first start, printed once, stored hashed. */
  adminKey: string | undefined;
  /** Unset → generated into the data folder. Encrypts engine credentials at rest. */
  secretKey: string | undefined;
  /** The address people use to reach the service, for link URLs. Unset → the listening address. */
  publicUrl: string | undefined;
  allowPrivateUrls: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long in-flight actions may take to finish on SIGTERM before they are aborted. */
  shutdownGraceMs: number;
}

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  CONNECTOR_DATA_DIR: z.string().min(1).default('./data'),
  CONNECTOR_ENGINE: z.enum(['sandbox', 'baileys']).default('sandbox'),
  CONNECTOR_ADMIN_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  CONNECTOR_SECRET_KEY: z.string().min(32, 'use at least 32 characters').optional(),
  CONNECTOR_PUBLIC_URL: z.url().optional(),
  CONNECTOR_ALLOW_PRIVATE_URLS: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONNECTOR_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

/**
 * @example readConfig({ PORT: '9000', CONNECTOR_ENGINE: 'sandbox' }).port // 9000
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environment.safeParse(set);
  if (!parsed.success) throw validationError(parsed.error, 'Invalid configuration');
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.CONNECTOR_DATA_DIR,
    engine: e.CONNECTOR_ENGINE,
    adminKey: e.CONNECTOR_ADMIN_KEY,
    secretKey: e.CONNECTOR_SECRET_KEY,
    publicUrl: e.CONNECTOR_PUBLIC_URL?.replace(/\/+$/, ''),
    allowPrivateUrls: e.CONNECTOR_ALLOW_PRIVATE_URLS,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.CONNECTOR_SHUTDOWN_GRACE_MS,
  };
}

export const defaultConfig: ServiceConfig = readConfig({});
