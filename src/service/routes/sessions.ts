import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storableString } from '../../domain/text.js';
import type { AdminKeyHash } from '../admin-key.js';
import { requireAdmin } from '../auth.js';
import type { LinkHub } from '../link-hub.js';
import type { SessionService } from '../sessions.js';
import { openEventStream } from '../sse.js';
import { issuedTokenSchema, linkEventSchemas, pairingCodeSchema, sessionListSchema, sessionViewSchema } from '../api-schemas.js';
import { localizedPage } from '../localized-page.js';
import { adminAuth, empty, json, media, noAuth, optionalBody, responses } from '../openapi.js';

export interface SessionRoutesOptions {
  sessions: SessionService;
  hub: LinkHub;
  engine: { requestPairingCode(sessionId: string, phone: string): Promise<string> };
  adminKeyHash: AdminKeyHash;
}

// Ids are looked up in the store: a NUL in one would be a driver error on PostgreSQL, not a miss.
const sessionId = z.object({ id: storableString().min(1).max(64) });
const tags = ['sessions'];
/** Every admin route can meet a wrong key and an unknown session. */
const adminCodes = ['UNAUTHORIZED', 'SESSION_NOT_FOUND'] as const;

/**
 * The link stream: each event's name and data. `contentSchema` (JSON Schema 2020-12) describes one
 * event, its `data` one of the link event components.
 */
const eventStream = z
  .string()
  .describe('text/event-stream: an `event: <name>` and a `data: <JSON>` line per event')
  .meta({
    contentMediaType: 'text/event-stream',
    contentSchema: {
      oneOf: Object.entries(linkEventSchemas).map(([event, schema]) => ({
        type: 'object',
        properties: { event: { const: event }, data: { $ref: `#/components/schemas/${String(z.globalRegistry.get(schema)?.id)}` } },
        required: ['event', 'data'],
      })),
    },
  });

/** The token service (PRODUCT §4): sessions, their link stream and page, pairing codes, tokens. */
export const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { sessions, hub, engine, adminKeyHash }) => {
  const adminOnly = requireAdmin(adminKeyHash);
  const linkPage = await localizedPage('link.html', { 'cache-control': 'no-store' });

  app.post('/v1/sessions', {
    onRequest: adminOnly,
    schema: {
      operationId: 'createSession',
      ...optionalBody,
      tags,
      summary: 'Start linking a new WhatsApp session; open its linkUrl to scan the QR code',
      security: adminAuth,
      body: z.strictObject({ label: storableString().max(200).optional() }).nullish().meta({ examples: [{ label: 'Clinic front desk' }] }),
      response: responses({ 201: json('The new session, linking', sessionViewSchema) }, 'UNAUTHORIZED', 'RATE_LIMITED'),
    },
  }, async (request, reply) => reply.code(201).send(await sessions.create(request.body?.label)));

  app.get('/v1/sessions', {
    onRequest: adminOnly,
    schema: {
      operationId: 'listSessions',
      tags,
      summary: 'Every session with its state and phone',
      security: adminAuth,
      response: responses({ 200: json('The sessions, oldest first', sessionListSchema) }, 'UNAUTHORIZED'),
    },
  }, async () => ({ sessions: await sessions.list() }));

  app.get('/v1/sessions/:id', {
    onRequest: adminOnly,
    schema: { operationId: 'getSession', tags, summary: 'One session', security: adminAuth, params: sessionId, response: responses({ 200: json('The session', sessionViewSchema) }, ...adminCodes) },
  }, async (request) => sessions.get(request.params.id));

  app.delete('/v1/sessions/:id', {
    onRequest: adminOnly,
    schema: {
      operationId: 'deleteSession',
      tags,
      summary: 'Log the device out and revoke its tokens',
      security: adminAuth,
      params: sessionId,
      response: responses({ 200: json('The session, logged out', sessionViewSchema) }, ...adminCodes, 'ENGINE_ERROR'),
    },
  }, async (request) => sessions.remove(request.params.id));

  app.post('/v1/sessions/:id/tokens', {
    onRequest: adminOnly,
    schema: {
      operationId: 'createToken',
      tags,
      summary: 'Issue another token for a linked session',
      security: adminAuth,
      params: sessionId,
      response: responses({ 201: json('The token, shown only now', issuedTokenSchema) }, ...adminCodes, 'SESSION_NOT_CONNECTED', 'SESSION_LOGGED_OUT'),
    },
  }, async (request, reply) => reply.code(201).send(await sessions.createToken(request.params.id)));

  app.delete('/v1/tokens/:tokenId', {
    onRequest: adminOnly,
    schema: {
      operationId: 'revokeToken',
      tags,
      summary: 'Revoke a token',
      security: adminAuth,
      params: z.object({ tokenId: storableString().min(1).max(64) }),
      response: responses({ 204: empty('Revoked: the token stops working at once on this node') }, 'UNAUTHORIZED', 'TOKEN_NOT_FOUND'),
    },
  }, async (request, reply) => {
    await sessions.revokeToken(request.params.tokenId);
    return reply.code(204).send(null);
  });

  app.get('/v1/sessions/:id/link', {
    schema: {
      operationId: 'watchLinking',
      tags,
      summary: 'Server-sent events of linking: state, qr (string and PNG data URL), pairing-code, connected (with the token, once), failed, unreachable',
      security: noAuth,
      params: sessionId,
      response: responses({ 200: media('An event stream; each event’s data is JSON', 'text/event-stream', eventStream) }, 'SESSION_NOT_FOUND', 'SESSION_OTHER_ENGINE', 'RATE_LIMITED'),
    },
  }, async (request, reply) => {
    await sessions.resumeLinking(request.params.id);
    const stream = openEventStream(request, reply);
    const stop = await hub.watch(request.params.id, ({ event, data }) => stream.send(event, data));
    await stream.closed;
    stop();
  });

  app.post('/v1/sessions/:id/pairing-code', {
    schema: {
      operationId: 'requestPairingCode',
      tags,
      summary: 'Link without a camera: a code to type on the phone under Linked devices → Link with phone number',
      security: noAuth,
      params: sessionId,
      body: z.strictObject({ phone: z.string().min(5).max(32) }).meta({ examples: [{ phone: '+79000000001' }] }),
      response: responses({ 200: json('The code to type on the phone', pairingCodeSchema) }, 'SESSION_NOT_FOUND', 'SESSION_NOT_CONNECTED', 'WHATSAPP_UNREACHABLE', 'INVALID_CHAT', 'ENGINE_ERROR', 'TIMEOUT'),
    },
  }, async (request) => {
    await sessions.get(request.params.id);
    return { code: await engine.requestPairingCode(request.params.id, request.body.phone) };
  });

  // Served for any id: the page itself tells a person that an unknown link does not work.
  app.get('/link/:id', { schema: { hide: true, params: sessionId } }, async (request, reply) => linkPage.send(request, reply));
};
