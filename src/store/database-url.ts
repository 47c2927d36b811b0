import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorError } from '../domain/errors.js';

export type Dialect = 'sqlite' | 'postgres';

/** Where the store lives, as `DATABASE_URL` names it. */
export type DatabaseLocation =
  | { dialect: 'sqlite'; /** A file path, or `:memory:`. */ path: string }
  | { dialect: 'postgres'; connectionString: string };

export const acceptedDatabaseUrls = [
  'sqlite:PATH',
  'sqlite::memory:',
  'file:PATH',
  'postgres://USER@HOST:PORT/DATABASE',
  'postgresql://USER@HOST:PORT/DATABASE',
] as const;

/**
 * Reads `DATABASE_URL`. Unset (or empty) means SQLite in `<dataDir>/connector.db`, `dataDir`
 * defaulting to `./data`.
 *
 * @example parseDatabaseUrl('sqlite:./var/app.db') // { dialect: 'sqlite', path: './var/app.db' }
 * @example parseDatabaseUrl(undefined, { dataDir: '/srv/wa' }) // { dialect: 'sqlite', path: '/srv/wa/connector.db' }
 */
export function parseDatabaseUrl(url: string | undefined, options: { dataDir?: string } = {}): DatabaseLocation {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return { dialect: 'sqlite', path: join(options.dataDir ?? './data', 'connector.db') };

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!trimmed.slice(scheme.length + 1).startsWith('//')) throw unsupported(scheme);
    return { dialect: 'postgres', connectionString: trimmed };
  }
  if (scheme === 'sqlite' || scheme === 'file') {
    const path = sqlitePath(trimmed, scheme);
    if (path === '') throw unsupported(scheme);
    return { dialect: 'sqlite', path };
  }
  throw unsupported(scheme);
}

/**
 * The location without secrets, for messages and logs.
 *
 * @example describeDatabase({ dialect: 'postgres', connectionString: 'postgres://app:pw@db/wa' }) // 'postgres://app@db/wa'
 */
export function describeDatabase(location: DatabaseLocation): string {
  return location.dialect === 'sqlite' ? `sqlite:${location.path}` : redactPassword(location.connectionString);
}

function sqlitePath(url: string, scheme: 'sqlite' | 'file'): string {
  const rest = url.slice(scheme.length + 1);
  if (rest === ':memory:') return ':memory:';
  // `file:///abs/path` is a real file URL (percent-encoded); `sqlite:///abs` follows the same
  // convention; `sqlite:rel/path` and `file:rel/path` are taken as written.
  if (rest.startsWith('//')) {
    if (scheme === 'file') {
      try {
        return fileURLToPath(url);
      } catch (error) {
        throw unsupported(scheme, error);
      }
    }
    return rest.slice(2);
  }
  return rest;
}

function unsupported(scheme: string | undefined, cause?: unknown): ConnectorError {
  const shown = scheme === undefined ? 'a value without a scheme' : `a "${scheme}:" address`;
  return new ConnectorError(
    'VALIDATION_ERROR',
    `DATABASE_URL is ${shown} that cannot be used; accepted forms: ${acceptedDatabaseUrls.join(', ')} (unset means sqlite:./data/connector.db)`,
    // The URL itself is left out: it may carry a password.
    { field: 'DATABASE_URL', scheme: scheme ?? null, accepted: [...acceptedDatabaseUrls] },
    cause === undefined ? undefined : { cause },
  );
}

function redactPassword(connectionString: string): string {
  const start = connectionString.indexOf('//') + 2;
  const queryAt = connectionString.indexOf('?');
  const end = queryAt === -1 ? connectionString.length : queryAt;
  const at = connectionString.lastIndexOf('@', end);
  if (at < start) return connectionString;
  const credentials = connectionString.slice(start, at);
  const user = credentials.split(':')[0] ?? '';
  return `${connectionString.slice(0, start)}${user}${user === '' ? '' : '@'}${connectionString.slice(at + 1)}`;
}
