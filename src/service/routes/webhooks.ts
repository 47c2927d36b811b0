import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storableString } from '../../domain/text.js';
import type { EventLog } from '../../events/event-log.js';
import { connectorEventTypes } from '../../events/schemas.js';
import { deliverySchema, webhookSchema, type WebhookService } from '../../events/webhooks.js';
import type { AdminKeyHash } from '../admin-key.js';
import { requireAdmin, requireToken } from '../auth.js';
import type { SessionService } from '../sessions.js';
import { openEventStream } from '../sse.js';
import { adminAuth, empty, json, media, responses, tokenAuth } from '../openapi.js';

export interface WebhookRoutesOptions {
  webhooks: WebhookService;
  log: EventLog;
  sessions: SessionService;
  adminKeyHash: AdminKeyHash;
}

const webhookId = z.object({ id: storableString().min(1).max(64) });
const tags = ['events'];

/** Webhooks (admin) and the event stream of a connection (its token): docs/events.md. */
export const webhookRoutes: FastifyPluginAsyncZod<WebhookRoutesOptions> = async (app, { webhooks, log, sessions, adminKeyHash }) => {
  const adminOnly = requireAdmin(adminKeyHash);

  app.post('/v1/webhooks', {
    onRequest: adminOnly,
    schema: {
      operationId: 'createWebhook',
      tags,
      summary: 'Deliver events to a URL, signed per the Standard Webhooks convention; the secret is shown only here',
      security: adminAuth,
      body: z
        .strictObject({
          url: storableString().min(1).max(2048),
          sessionId: storableString().min(1).max(64).optional().describe('Only this session’s events; omitted: every session’s'),
          secret: storableString().max(200).optional().describe('whsec_… (base64 of 24–64 bytes); generated when omitted'),
          events: z.array(z.enum(connectorEventTypes)).max(connectorEventTypes.length).optional().describe('Event types; all when omitted'),
        })
        .meta({ examples: [{ url: 'https://crm.example.com/whatsapp', events: ['message.received'] }] }),
      response: responses({ 201: json('The webhook and its signing secret', webhookSchema.extend({ secret: z.string() })) }, 'UNAUTHORIZED', 'SESSION_NOT_FOUND', 'WEBHOOK_URL_FORBIDDEN'),
    },
  }, async (request, reply) => {
    const { webhook, secret } = await webhooks.add(request.body);
    return reply.code(201).send({ ...webhook, secret });
  });

  app.get('/v1/webhooks', {
    onRequest: adminOnly,
    schema: { operationId: 'listWebhooks', tags, summary: 'Every webhook', security: adminAuth, response: responses({ 200: json('Oldest first', z.object({ webhooks: z.array(webhookSchema) })) }, 'UNAUTHORIZED') },
  }, async () => ({ webhooks: await webhooks.list() }));

  app.get('/v1/webhooks/:id', {
    onRequest: adminOnly,
    schema: { operationId: 'getWebhook', tags, summary: 'One webhook', security: adminAuth, params: webhookId, response: responses({ 200: json('The webhook', webhookSchema) }, 'UNAUTHORIZED', 'WEBHOOK_NOT_FOUND') },
  }, async (request) => webhooks.get(request.params.id));

  app.delete('/v1/webhooks/:id', {
    onRequest: adminOnly,
    schema: { operationId: 'deleteWebhook', tags, summary: 'Stop delivering to it; what it still had to deliver is dropped', security: adminAuth, params: webhookId, response: responses({ 204: empty('Removed') }, 'UNAUTHORIZED', 'WEBHOOK_NOT_FOUND') },
  }, async (request, reply) => {
    await webhooks.remove(request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/v1/webhooks/:id/deliveries', {
    onRequest: adminOnly,
    schema: {
      operationId: 'listWebhookDeliveries',
      tags,
      summary: 'What was delivered, what waits for a retry (and when), what was given up: attempts, status codes, errors',
      security: adminAuth,
      params: webhookId,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: responses({ 200: json('Newest first', z.object({ deliveries: z.array(deliverySchema) })) }, 'UNAUTHORIZED', 'WEBHOOK_NOT_FOUND'),
    },
  }, async (request) => ({ deliveries: await webhooks.deliveries(request.params.id, request.query.limit) }));

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/replay', {
    onRequest: adminOnly,
    schema: {
      operationId: 'replayWebhookDelivery',
      tags,
      summary: 'Deliver it again now (same webhook-id), delivered or given up alike',
      security: adminAuth,
      params: webhookId.extend({ deliveryId: storableString().min(1).max(64) }),
      response: responses({ 200: json('The delivery, pending again', deliverySchema) }, 'UNAUTHORIZED', 'WEBHOOK_NOT_FOUND', 'NOT_FOUND'),
    },
  }, async (request) => webhooks.replay(request.params.id, request.params.deliveryId));

  app.get('/v1/events', {
    onRequest: requireToken(sessions),
    schema: {
      operationId: 'watchEvents',
      tags,
      summary: 'This connection’s events as Server-Sent Events (id: the event’s place in the stream), from now on; after Last-Event-ID (or ?after=, 0 for all kept) it first replays what was missed, from the store',
      security: tokenAuth,
      headers: z.object({ 'last-event-id': z.string().regex(/^\d{1,15}$/).optional() }),
      querystring: z.object({
        after: z.coerce.number().int().min(0).optional().describe('Resume after this id (as Last-Event-ID)'),
        types: z.string().max(200).optional().describe('Comma-separated event types; all when omitted'),
      }),
      response: responses({ 200: media('An event stream; each event’s data is the event (ConnectorEvent)', 'text/event-stream', z.string()) }, 'UNAUTHORIZED'),
    },
  }, async (request, reply) => {
    const sessionId = request.sessionId as string;
    const wanted = request.query.types ? new Set(request.query.types.split(',').map((type) => type.trim())) : undefined;
    const resumeAfter = request.query.after ?? (request.headers['last-event-id'] === undefined ? undefined : Number(request.headers['last-event-id']));
    const stream = openEventStream(request, reply);
    // Heard while the backlog is read, sent after it: nothing falls between the two.
    const live: { seq: number; event: { type: string } }[] = [];
    let catchingUp = true;
    const send = (seq: number, event: { type: string; sessionId?: string }) => {
      if (seq <= cursor) return;
      cursor = seq;
      if (!wanted || wanted.has(event.type)) stream.send(event.type, event, String(seq));
    };
    let cursor = Number.POSITIVE_INFINITY;
    const stop = log.subscribe((stored) => {
      if (stored.event.sessionId !== sessionId) return;
      if (catchingUp) live.push(stored);
      else send(stored.seq, stored.event);
    });
    try {
      // Without a place to resume from, the stream starts with what happens next.
      cursor = resumeAfter ?? (await log.latest());
      for (let page = await log.backlog(sessionId, cursor); page.length > 0; page = await log.backlog(sessionId, cursor)) {
        for (const stored of page) send(stored.seq, stored.event);
      }
      catchingUp = false;
      for (const stored of live) send(stored.seq, stored.event);
      await stream.closed;
    } finally {
      stop();
    }
  });
};
