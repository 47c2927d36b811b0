import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizeChat } from '../../domain/chat.js';
import type { SandboxEngine } from '../../engines/sandbox/index.js';
import { maxPictureBytes } from '../../engines/sandbox/pictures.js';
import { openEventStream } from '../sse.js';
import { localizedPage } from '../localized-page.js';
import { storableString } from '../../domain/text.js';
import { ConnectorError, type ErrorCode } from '../../domain/errors.js';
import { messageViewSchema, networkChatSchema } from '../../engines/sandbox/view-schemas.js';
import { sandboxGroupSchema, sandboxLinkedSchema, sandboxPhoneSchema, sandboxSentSchema } from '../api-schemas.js';
import { limits } from '../../domain/limits.js';
import { empty, json, media, noAuth, responses } from '../openapi.js';

/** Every sandbox route answers NOT_FOUND under another engine. */
const sandboxCodes: ErrorCode[] = ['NOT_FOUND'];

/**
 * Sandbox mode only: play the phone (scan a QR, type a pairing code, read a message) and look at
 * what recipients see, as JSON and as a live messenger-like page.
 */
export const sandboxRoutes: FastifyPluginAsyncZod<{ engine: SandboxEngine | undefined }> = async (app, options) => {
  // Documented under every engine (one document for all); answered only by the sandbox, and under
  // another engine refused before a body is read.
  const sandbox = (): SandboxEngine => {
    if (!options.engine) throw new ConnectorError('NOT_FOUND', 'The sandbox routes exist only with CONNECTOR_ENGINE=sandbox');
    return options.engine;
  };
  if (!options.engine) app.addHook('onRequest', async () => void sandbox());
  const network = () => sandbox().network;
  const page = await localizedPage('sandbox.html', { 'cache-control': 'no-cache' });
  const tags = ['sandbox'];
  const security = noAuth;

  app.post('/v1/sandbox/scan', {
    schema: {
      operationId: 'sandboxScan',
      tags,
      security,
      summary: 'A virtual phone scans the session’s current QR code',
      body: z.strictObject({ sessionId: z.string().min(1), phone: z.string().min(5) }).meta({ examples: [{ sessionId: 'ses_…', phone: '+79000000001' }] }),
      response: responses({ 200: json('The session, linked to the phone', sandboxLinkedSchema) }, ...sandboxCodes, 'SESSION_NOT_FOUND', 'INVALID_CHAT', 'NOT_ON_WHATSAPP'),
    },
  }, async (request) => sandbox().scan(request.body.sessionId, request.body.phone));

  app.post('/v1/sandbox/pairing-code', {
    schema: {
      operationId: 'sandboxEnterPairingCode',
      tags,
      security,
      summary: 'A virtual phone types the pairing code it was given',
      body: z.strictObject({ phone: z.string().min(5), code: z.string().min(8).max(9) }).meta({ examples: [{ phone: '+79000000001', code: 'ABCD-1234' }] }),
      response: responses({ 200: json('The session, linked to the phone', sandboxLinkedSchema) }, ...sandboxCodes, 'INVALID_CHAT', 'NOT_ON_WHATSAPP'),
    },
  }, async (request) => network().enterPairingCode(request.body.phone, request.body.code));

  app.post('/v1/sandbox/phones', {
    schema: {
      tags,
      summary: 'Add a virtual phone (unknown numbers join WhatsApp on first contact; add one with onWhatsApp false to have a number without an account)',
      operationId: 'sandboxAddPhone',
      security,
      body: z.strictObject({ phone: z.string().min(5), name: z.string().max(100).optional(), onWhatsApp: z.boolean().default(true) }).meta({ examples: [{ phone: '+79001111111', name: 'Anna' }] }),
      response: responses({ 201: json('The phone', sandboxPhoneSchema) }, ...sandboxCodes, 'INVALID_CHAT'),
    },
  }, async (request, reply) => {
    const { phone, name, onWhatsApp } = request.body;
    const added = network().addPhone(phone, { onWhatsApp, ...(name ? { name } : {}) });
    return reply.code(201).send({ jid: added.jid, phone: added.phone, onWhatsApp: added.onWhatsApp });
  });

  app.post('/v1/sandbox/groups', {
    schema: {
      tags,
      summary: 'Create a group of virtual phones; include the linked phone for a session to send to it',
      operationId: 'sandboxCreateGroup',
      security,
      body: z.strictObject({ subject: z.string().min(1).max(100), phones: z.array(z.string().min(5)).min(1).max(256) }).meta({ examples: [{ subject: 'Clinic staff', phones: ['+79000000001', '+79001111111'] }] }),
      response: responses({ 201: json('The group', sandboxGroupSchema) }, ...sandboxCodes, 'INVALID_CHAT'),
    },
  }, async (request, reply) => {
    const jid = network().createGroup(request.body.subject, request.body.phones);
    return reply.code(201).send(network().group(jid));
  });

  app.post('/v1/sandbox/messages', {
    schema: {
      operationId: 'sandboxSendAsClient',
      tags,
      security,
      summary: 'A virtual phone writes: to a linked phone (the session receives it as message.received) or to a group it is in',
      body: z
        .strictObject({
          from: z.string().min(5).max(64),
          to: z.string().min(5).max(128).describe('A phone number or a group id'),
          text: storableString().min(1).max(limits.textMaxLength),
        })
        .meta({ examples: [{ from: '+79001111111', to: '+79000000001', text: '1' }] }),
      response: responses({ 201: json('The message, as the network keeps it', sandboxSentSchema) }, ...sandboxCodes, 'VALIDATION_ERROR', 'INVALID_CHAT', 'NOT_ON_WHATSAPP'),
    },
  }, async (request, reply) => {
    const { from, to, text } = request.body;
    const chat = normalizeChat(to);
    const sent = network().post(from, chat.jid, { type: 'text', text });
    return reply.code(201).send({ id: sent.id, chat: chat.jid });
  });

  app.post('/v1/sandbox/receipts', {
    schema: {
      operationId: 'sandboxSendReceipt',
      tags,
      security,
      summary: 'Recipients receive or read a message: its status moves to delivered or read',
      body: z.strictObject({ id: z.string().min(1), status: z.enum(['delivered', 'read']) }).meta({ examples: [{ id: '3EB0C1A2B3C4D5E6F7A8', status: 'read' }] }),
      response: responses({ 204: empty('The receipt is in') }, ...sandboxCodes, 'MESSAGE_NOT_FOUND'),
    },
  }, async (request, reply) => {
    if (request.body.status === 'delivered') network().deliver(request.body.id);
    else network().read(request.body.id);
    return reply.code(204).send(null);
  });

  app.get('/v1/sandbox/chats', {
    schema: {
      operationId: 'sandboxListChats',
      tags,
      security,
      summary: 'Every conversation in the virtual network',
      response: responses({ 200: json('Most recent first', z.object({ chats: z.array(networkChatSchema) })) }, ...sandboxCodes),
    },
  }, async () => ({ chats: network().allChats() }));

  app.get('/v1/sandbox/chats/:chat/messages', {
    schema: {
      tags,
      summary: 'What recipients see, oldest first: a conversation key, a group id, or a phone number (everything sent to that phone)',
      operationId: 'sandboxListMessages',
      security,
      params: z.object({ chat: storableString().min(1) }),
      response: responses({ 200: json('Oldest first', z.object({ messages: z.array(messageViewSchema) })) }, ...sandboxCodes, 'INVALID_CHAT'),
    },
  }, async (request) => {
    const { chat } = request.params;
    if (network().allChats().some((known) => known.key === chat)) return { messages: network().chatMessages(chat) };
    const normalized = normalizeChat(chat);
    return { messages: normalized.kind === 'group' ? network().chatMessages(normalized.jid) : network().messagesSeenBy(normalized.jid) };
  });

  app.get('/v1/sandbox/pictures/:sha256', {
    schema: {
      operationId: 'sandboxGetPicture',
      tags,
      security,
      summary: `The bytes of a small image sent through the network (JPEG, PNG, GIF or WebP up to ${maxPictureBytes / 1024 / 1024} MiB), by the attachment’s sha256, while the sandbox keeps it`,
      params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
      response: responses(
        { 200: { description: 'The image', content: Object.fromEntries(['image/jpeg', 'image/png', 'image/gif', 'image/webp'].map((type) => [type, { schema: z.string().meta({ contentMediaType: type }) }])) } },
        ...sandboxCodes,
      ),
    },
  }, async (request, reply) => {
    const picture = network().picture(request.params.sha256);
    if (!picture) throw new ConnectorError('NOT_FOUND', `The sandbox keeps no picture ${request.params.sha256}`);
    // Named by its content, a picture never changes.
    return reply.type(picture.mimeType).header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').send(Buffer.from(picture.bytes));
  });

  app.get('/v1/sandbox/events', {
    schema: {
      operationId: 'sandboxWatchChanges',
      tags,
      security,
      summary: 'Server-sent `change` events whenever anything in the network changes',
      response: responses({ 200: media('An event stream; each `change` event’s data is { type, key }', 'text/event-stream', z.string()) }, ...sandboxCodes),
    },
  }, async (request, reply) => {
    const stream = openEventStream(request, reply);
    const stop = network().onChange((change) => stream.send('change', { type: change.type, key: change.key }));
    await stream.closed;
    stop();
  });

  app.get('/sandbox', { schema: { hide: true } }, async (request, reply) => page.send(request, reply));
};
