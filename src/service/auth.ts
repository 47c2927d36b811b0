import type { FastifyRequest } from 'fastify';
import { ConnectorError } from '../domain/errors.js';
import type { AdminKeyHash } from './admin-key.js';
import { secretMatches } from './secrets.js';
import type { SessionService } from './sessions.js';

/** The secret after `Bearer ` in the Authorization header. */
export function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) throw new ConnectorError('UNAUTHORIZED', 'Send Authorization: Bearer <key>');
  return match[1];
}

/** Admin routes: the admin key, compared with its current hash in constant time. */
export function requireAdmin(adminKeyHash: AdminKeyHash): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const presented = bearer(request);
    if (!secretMatches(presented, await adminKeyHash())) throw new ConnectorError('UNAUTHORIZED', 'Wrong admin key');
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on action routes: the session the bearer token acts for. */
    sessionId?: string;
  }
}

/** Action routes: a connection token, which reaches exactly one session. */
export function requireToken(sessions: SessionService): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    request.sessionId = (await sessions.authenticate(bearer(request))).sessionId;
  };
}
