import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storableText } from '../../domain/text.js';
import { requireAdmin } from '../auth.js';
import type { LinkHub } from '../link-hub.js';
import type { SessionService } from '../sessions.js';
import { openEventStream } from '../sse.js';
import { localizedPage } from '../localized-page.js';

export interface SessionRoutesOptions {
  sessions: SessionService;
  hub: LinkHub;
  engine: { requestPairingCode(sessionId: string, phone: string): Promise<string> };
  adminKeyHash: string;
}

// Ids are looked up in the store: a NUL in one would be a driver error on PostgreSQL, not a miss.
const sessionId = z.object({ id: z.string().min(1).max(64).refine(...storableText) });
const admin = [{ bearerAuth: [] }];

/** The token service (PRODUCT §4): sessions, their link stream and page, pairing codes, tokens. */
export const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { sessions, hub, engine, adminKeyHash }) => {
  const adminOnly = requireAdmin(adminKeyHash);
  const linkPage = await localizedPage('link.html', { 'cache-control': 'no-store' });

  app.post('/v1/sessions', {
    onRequest: adminOnly,
    schema: {
      tags: ['token service'],
      summary: 'Start linking a new WhatsApp session; open its linkUrl to scan the QR code',
      security: admin,
      body: z.object({ label: z.string().max(200).refine(...storableText).optional() }).nullish(),
    },
  }, async (request, reply) => reply.code(201).send(await sessions.create(request.body?.label)));

  app.get('/v1/sessions', {
    onRequest: adminOnly,
    schema: { tags: ['token service'], summary: 'Every session with its state and phone', security: admin },
  }, async () => ({ sessions: await sessions.list() }));

  app.get('/v1/sessions/:id', {
    onRequest: adminOnly,
    schema: { tags: ['token service'], summary: 'One session', security: admin, params: sessionId },
  }, async (request) => sessions.get(request.params.id));

  app.delete('/v1/sessions/:id', {
    onRequest: adminOnly,
    schema: { tags: ['token service'], summary: 'Log the device out and revoke its tokens', security: admin, params: sessionId },
  }, async (request) => sessions.remove(request.params.id));

  app.post('/v1/sessions/:id/tokens', {
    onRequest: adminOnly,
    schema: { tags: ['token service'], summary: 'Issue another token for a linked session', security: admin, params: sessionId },
  }, async (request, reply) => reply.code(201).send(await sessions.createToken(request.params.id)));

  app.delete('/v1/tokens/:tokenId', {
    onRequest: adminOnly,
    schema: { tags: ['token service'], summary: 'Revoke a token', security: admin, params: z.object({ tokenId: z.string().min(1).max(64).refine(...storableText) }) },
  }, async (request, reply) => {
    await sessions.revokeToken(request.params.tokenId);
    return reply.code(204).send();
  });

  app.get('/v1/sessions/:id/link', {
    schema: {
      tags: ['token service'],
      summary: 'Server-sent events of linking: state, qr (string and PNG data URL), pairing-code, connected (with the token, once), failed',
      params: sessionId,
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
      tags: ['token service'],
      summary: 'Link without a camera: a code to type on the phone under Linked devices → Link with phone number',
      params: sessionId,
      body: z.object({ phone: z.string().min(5).max(32) }),
    },
  }, async (request) => {
    await sessions.get(request.params.id);
    return { code: await engine.requestPairingCode(request.params.id, request.body.phone) };
  });

  // Served for any id: the page itself tells a person that an unknown link does not work.
  app.get('/link/:id', { schema: { hide: true, params: sessionId } }, async (request, reply) => linkPage.send(request, reply));
};
