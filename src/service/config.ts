import { z } from 'zod';
import { validationError } from '../domain/actions.js';
import { ConnectorError } from '../domain/errors.js';
import { attachmentBudgets } from '../domain/limits.js';

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
  /** The most attachment bytes one action may carry (ATTACHMENT_TOO_LARGE past it). */
  attachmentsRequestMaxBytes: number;
  /** The most attachment bytes all actions in flight may hold together (RATE_LIMITED past it). */
  attachmentsProcessMaxBytes: number;
  /** Where attachments wait on disk until they are sent; unset → the system's temporary folder. */
  attachmentsDir: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long in-flight actions may take to finish on SIGTERM before they are aborted. */
  shutdownGraceMs: number;
  /** How long a client may take to send a request's headers, and the whole request with its body. */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections the service holds at once, all clients together; more are closed as they come. */
  maxConnections: number;
  /** Baileys: where WhatsApp Web is; unset → WhatsApp's own servers. */
  waUrl: string | undefined;
  /** Baileys: a staging server's root public key to trust instead of WhatsApp's (needs `trustTestRoot`). */
  waRootKey: Buffer | undefined;
  /** Baileys: least time between two messages of one session, and how many may wait for their turn. */
  sendIntervalMs: number;
  sendQueueLimit: number;
  /** Baileys: how long an action waits for a reconnecting session before SESSION_NOT_CONNECTED. */
  reconnectWaitMs: number;
  /** Baileys: how long a sent message waits for WhatsApp's ack before the action fails with TIMEOUT. */
  ackTimeoutMs: number;
  /** Baileys: how long each QR code is shown; unset → as WhatsApp Web (60 s, then 20 s each). */
  qrTimeoutMs: number | undefined;
  /** Sessions that may be linking (showing QR codes) at once; one more is RATE_LIMITED. */
  maxLinking: number;
  /** Cluster mode (docs/cluster.md): BullMQ's Redis; needs a PostgreSQL `databaseUrl`. */
  redisUrl: string | undefined;
  /** Nodes with one cluster name share sessions (and BullMQ keys); others on the same servers do not meet them. */
  clusterName: string;
  /** This node's id in the cluster; host name and process id by default. */
  nodeId: string | undefined;
  /** How often a node checks its leases and takes its share of the sessions. */
  leaseCheckMs: number;
  /** A node whose lock connection does not answer within this gives its sessions up. */
  leaseTimeoutMs: number;
  /** Webhooks (docs/events.md): the wait after a first failed delivery (each further one waits 4× longer, up to 4 h). */
  webhookRetryFirstMs: number;
  /** Webhooks: a delivery still failing this long after its event is given up. */
  webhookGiveUpMs: number;
  /** Webhooks: one attempt's limit. */
  webhookTimeoutMs: number;
}

const MB = 1024 * 1024;

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  CONNECTOR_DATA_DIR: z.string().min(1).default('./data'),
  CONNECTOR_ENGINE: z.enum(['sandbox', 'baileys']).default('baileys'),
  CONNECTOR_ADMIN_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  CONNECTOR_SECRET_KEY: z.string().min(32, 'use at least 32 characters').optional(),
  CONNECTOR_PUBLIC_URL: z.url().optional(),
  CONNECTOR_ALLOW_PRIVATE_URLS: flag.default(false),
  CONNECTOR_ATTACHMENTS_REQUEST_MB: z.coerce.number().positive().default(attachmentBudgets.requestMaxBytes / MB),
  CONNECTOR_ATTACHMENTS_PROCESS_MB: z.coerce.number().positive().default(attachmentBudgets.processMaxBytes / MB),
  CONNECTOR_ATTACHMENTS_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONNECTOR_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  CONNECTOR_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  CONNECTOR_BODY_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  CONNECTOR_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1).default(72_000),
  CONNECTOR_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1_000),
  CONNECTOR_WA_URL: z.url({ protocol: /^wss?$/ }).optional(),
  CONNECTOR_WA_ROOT_KEY: z
    .base64()
    .transform((text) => Buffer.from(text, 'base64'))
    .refine((key) => key.length === 32, 'a root public key is 32 bytes, base64')
    .optional(),
  CONNECTOR_TRUST_TEST_ROOT: flag.default(false),
  CONNECTOR_SEND_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
  CONNECTOR_SEND_QUEUE_LIMIT: z.coerce.number().int().min(1).default(10_000),
  CONNECTOR_RECONNECT_WAIT_MS: z.coerce.number().int().min(0).default(30_000),
  CONNECTOR_ACK_TIMEOUT_MS: z.coerce.number().int().min(1).default(20_000),
  CONNECTOR_QR_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
  CONNECTOR_MAX_LINKING: z.coerce.number().int().min(1).default(50),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  CONNECTOR_CLUSTER: z.string().regex(/^[A-Za-z0-9._-]{1,20}$/, 'letters, digits, . _ - (at most 20)').default('whatsapp-connector'),
  CONNECTOR_NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'letters, digits, . _ - (at most 40)').optional(),
  CONNECTOR_LEASE_CHECK_MS: z.coerce.number().int().min(100).default(2_000),
  CONNECTOR_LEASE_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
  CONNECTOR_WEBHOOK_RETRY_FIRST_MS: z.coerce.number().int().min(10).default(5_000),
  CONNECTOR_WEBHOOK_GIVE_UP_HOURS: z.coerce.number().min(0.001).default(26),
  CONNECTOR_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

/**
 * @example readConfig({ PORT: '9000', CONNECTOR_ENGINE: 'sandbox' }).port // 9000
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environment.safeParse(set);
  if (!parsed.success) throw validationError(parsed.error, 'Invalid configuration');
  const e = parsed.data;
  if (e.CONNECTOR_WA_ROOT_KEY && !e.CONNECTOR_TRUST_TEST_ROOT) {
    // Trusting another root lets whoever holds its key read every message: never by accident.
    throw new ConnectorError(
      'VALIDATION_ERROR',
      'CONNECTOR_WA_ROOT_KEY replaces the key that proves the server is WhatsApp; it is for a test server only. Set CONNECTOR_TRUST_TEST_ROOT=1 as well to allow it.',
      { variable: 'CONNECTOR_WA_ROOT_KEY' },
    );
  }
  if (e.CONNECTOR_HEADERS_TIMEOUT_MS > e.CONNECTOR_BODY_TIMEOUT_MS) {
    // The body timeout counts from the request's first byte, headers included (Node refuses otherwise).
    throw new ConnectorError('VALIDATION_ERROR', 'CONNECTOR_HEADERS_TIMEOUT_MS must not exceed CONNECTOR_BODY_TIMEOUT_MS: the body timeout covers the headers too', {
      variable: 'CONNECTOR_HEADERS_TIMEOUT_MS',
    });
  }
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
    attachmentsRequestMaxBytes: Math.round(e.CONNECTOR_ATTACHMENTS_REQUEST_MB * MB),
    attachmentsProcessMaxBytes: Math.round(e.CONNECTOR_ATTACHMENTS_PROCESS_MB * MB),
    attachmentsDir: e.CONNECTOR_ATTACHMENTS_DIR,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.CONNECTOR_SHUTDOWN_GRACE_MS,
    headersTimeoutMs: e.CONNECTOR_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: e.CONNECTOR_BODY_TIMEOUT_MS,
    keepAliveTimeoutMs: e.CONNECTOR_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: e.CONNECTOR_MAX_CONNECTIONS,
    waUrl: e.CONNECTOR_WA_URL,
    waRootKey: e.CONNECTOR_WA_ROOT_KEY,
    sendIntervalMs: e.CONNECTOR_SEND_INTERVAL_MS,
    sendQueueLimit: e.CONNECTOR_SEND_QUEUE_LIMIT,
    reconnectWaitMs: e.CONNECTOR_RECONNECT_WAIT_MS,
    ackTimeoutMs: e.CONNECTOR_ACK_TIMEOUT_MS,
    qrTimeoutMs: e.CONNECTOR_QR_TIMEOUT_MS,
    maxLinking: e.CONNECTOR_MAX_LINKING,
    redisUrl: e.REDIS_URL,
    clusterName: e.CONNECTOR_CLUSTER,
    nodeId: e.CONNECTOR_NODE_ID,
    leaseCheckMs: e.CONNECTOR_LEASE_CHECK_MS,
    leaseTimeoutMs: e.CONNECTOR_LEASE_TIMEOUT_MS,
    webhookRetryFirstMs: e.CONNECTOR_WEBHOOK_RETRY_FIRST_MS,
    webhookGiveUpMs: Math.round(e.CONNECTOR_WEBHOOK_GIVE_UP_HOURS * 3_600_000),
    webhookTimeoutMs: e.CONNECTOR_WEBHOOK_TIMEOUT_MS,
  };
}

export const defaultConfig: ServiceConfig = readConfig({});
