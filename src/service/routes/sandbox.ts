import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizeChat } from '../../domain/chat.js';
import { ConnectorError } from '../../domain/errors.js';
import type { SandboxEngine } from '../../engines/sandbox/index.js';
import { maxPictureBytes } from '../../engines/sandbox/pictures.js';
import { openEventStream } from '../sse.js';
import { localizedPage } from '../localized-page.js';
import { storableText } from '../../domain/text.js';

/**
 * Sandbox mode only: play the phone (scan a QR, type a pairing code, read a message) and look at
 * what recipients see, as JSON and as a live messenger-like page.
 */
export const sandboxRoutes: FastifyPluginAsyncZod<{ engine: SandboxEngine }> = async (app, { engine }) => {
  const network = engine.network;
  const page = await localizedPage('sandbox.html', { 'cache-control': 'no-cache' });
  const tags = ['sandbox'];

  app.post('/v1/sandbox/scan', {
    schema: { tags, summary: 'A virtual phone scans the session’s current QR code', body: z.object({ sessionId: z.string().min(1), phone: z.string().min(5) }) },
  }, async (request) => engine.scan(request.body.sessionId, request.body.phone));

  app.post('/v1/sandbox/pairing-code', {
    schema: { tags, summary: 'A virtual phone types the pairing code it was given', body: z.object({ phone: z.string().min(5), code: z.string().min(8).max(9) }) },
  }, async (request) => network.enterPairingCode(request.body.phone, request.body.code));

  app.post('/v1/sandbox/phones', {
    schema: {
      tags,
      summary: 'Add a virtual phone (unknown numbers join WhatsApp on first contact; add one with onWhatsApp false to have a number without an account)',
      body: z.object({ phone: z.string().min(5), name: z.string().max(100).optional(), onWhatsApp: z.boolean().default(true) }),
    },
  }, async (request, reply) => {
    const { phone, name, onWhatsApp } = request.body;
    const added = network.addPhone(phone, { onWhatsApp, ...(name ? { name } : {}) });
    return reply.code(201).send({ jid: added.jid, phone: added.phone, onWhatsApp: added.onWhatsApp });
  });

  app.post('/v1/sandbox/groups', {
    schema: {
      tags,
      summary: 'Create a group of virtual phones; include the linked phone for a session to send to it',
      body: z.object({ subject: z.string().min(1).max(100), phones: z.array(z.string().min(5)).min(1).max(256) }),
    },
  }, async (request, reply) => {
    const jid = network.createGroup(request.body.subject, request.body.phones);
    return reply.code(201).send(network.group(jid));
  });

  app.post('/v1/sandbox/receipts', {
    schema: { tags, summary: 'Recipients receive or read a message: its status moves to delivered or read', body: z.object({ id: z.string().min(1), status: z.enum(['delivered', 'read']) }) },
  }, async (request, reply) => {
    if (request.body.status === 'delivered') network.deliver(request.body.id);
    else network.read(request.body.id);
    return reply.code(204).send();
  });

  app.get('/v1/sandbox/chats', { schema: { tags, summary: 'Every conversation in the virtual network' } }, async () => ({ chats: network.allChats() }));

  app.get('/v1/sandbox/chats/:chat/messages', {
    schema: {
      tags,
      summary: 'What recipients see, oldest first: a conversation key, a group id, or a phone number (everything sent to that phone)',
      params: z.object({ chat: z.string().min(1).refine(...storableText) }),
    },
  }, async (request) => {
    const { chat } = request.params;
    if (network.allChats().some((known) => known.key === chat)) return { messages: network.chatMessages(chat) };
    const normalized = normalizeChat(chat);
    return { messages: normalized.kind === 'group' ? network.chatMessages(normalized.jid) : network.messagesSeenBy(normalized.jid) };
  });

  app.get('/v1/sandbox/pictures/:sha256', {
    schema: {
      tags,
      summary: `The bytes of a small image sent through the network (JPEG, PNG, GIF or WebP up to ${maxPictureBytes / 1024 / 1024} MiB), by the attachment’s sha256, while the sandbox keeps it`,
      params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    },
  }, async (request, reply) => {
    const picture = network.picture(request.params.sha256);
    if (!picture) throw new ConnectorError('NOT_FOUND', `The sandbox keeps no picture ${request.params.sha256}`);
    // Named by its content, a picture never changes.
    return reply.type(picture.mimeType).header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').send(Buffer.from(picture.bytes));
  });

  app.get('/v1/sandbox/events', { schema: { tags, summary: 'Server-sent `change` events whenever anything in the network changes' } }, async (request, reply) => {
    const stream = openEventStream(request, reply);
    const stop = network.onChange((change) => stream.send('change', { type: change.type, key: change.key }));
    await stream.closed;
    stop();
  });

  app.get('/sandbox', { schema: { hide: true } }, async (request, reply) => page.send(request, reply));
};
