import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionNames, actionSchemas, parseActionName, type ActionName } from '../../domain/actions.js';
import { ConnectorError, type ErrorCode } from '../../domain/errors.js';
import { limits } from '../../domain/limits.js';
import { actionResultSchemas, messageStatusViewSchema } from '../../domain/result.js';
import { storableString } from '../../domain/text.js';
import type { ActionService } from '../actions.js';
import { requireToken } from '../auth.js';
import type { WhatsAppEngine } from '../../engines/engine.js';
import { json, media, responses, tokenAuth } from '../openapi.js';
import type { SessionService } from '../sessions.js';
import { actionExamples } from './action-examples.js';
import { callerGone, parsePrefer } from '../prefer.js';

export interface ActionRoutesOptions {
  actions: ActionService;
  /** Where the files of media messages are downloaded from. */
  engine: Pick<WhatsAppEngine, 'openMedia'>;
  sessions: SessionService;
  /** Aborted when the service stops waiting for in-flight actions at shutdown. */
  shutdown: AbortSignal;
}

const summaries: Record<ActionName, string> = {
  sendMessage: 'Send a text and/or attachments (media or documents)',
  sendLocation: 'Send a location',
  sendContact: 'Send one or more contact cards',
  sendReaction: 'React to a message with an emoji ("" removes the reaction)',
  forwardMessage: `Forward a message to up to ${limits.forwardMaxChats} chats`,
  editMessage: `Edit an own message within ${limits.editWindowMs / 60_000} minutes`,
  deleteMessage: `Delete a message for everyone (own, within ${limits.deleteForEveryoneWindowMs / 3_600_000} hours) or for me`,
};

/** What every action can answer: its token, its session, the chat (a group it is not in), WhatsApp's pace and reach, a retried key. */
const anyAction: ErrorCode[] = [
  'UNAUTHORIZED',
  'SESSION_LOGGED_OUT',
  'SESSION_NOT_CONNECTED',
  'SESSION_OTHER_ENGINE',
  'INVALID_CHAT',
  'FORBIDDEN',
  'RATE_LIMITED',
  'TIMEOUT',
  'IDEMPOTENCY_CONFLICT',
  'ENGINE_ERROR',
];
/** Acting on an existing message: WhatsApp's rules on it. */
const onMessage: ErrorCode[] = ['MESSAGE_NOT_FOUND', 'NOT_YOUR_MESSAGE'];

const codes: Record<ActionName, ErrorCode[]> = {
  sendMessage: ['NOT_ON_WHATSAPP', 'ATTACHMENT_FETCH_FAILED', 'ATTACHMENT_TOO_LARGE', 'ATTACHMENT_URL_FORBIDDEN', 'WITHDRAWN'],
  sendLocation: ['NOT_ON_WHATSAPP'],
  sendContact: ['NOT_ON_WHATSAPP'],
  sendReaction: onMessage,
  forwardMessage: ['NOT_ON_WHATSAPP', ...onMessage],
  editMessage: [...onMessage, 'EDIT_WINDOW_EXPIRED'],
  deleteMessage: [...onMessage, 'DELETE_WINDOW_EXPIRED'],
};

const headers = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Same key and body → the same result and no second send; same key, other body → IDEMPOTENCY_CONFLICT'),
  prefer: z
    .string()
    .max(200)
    .optional()
    .describe('RFC 7240: `respond-async` answers 202 once the action is durably queued; `wait=N` withdraws it (TIMEOUT) if WhatsApp has not confirmed it within N seconds'),
});

/** The action API: one route per action, authorised by a connection token (PRODUCT §4). */
export const actionRoutes: FastifyPluginAsyncZod<ActionRoutesOptions> = async (app, { actions, sessions, engine, shutdown }) => {
  // onRequest: the token is checked before the body is read, so no stranger's body is parsed or waited for.
  app.addHook('onRequest', requireToken(sessions));

  for (const action of actionNames) routeAction(action);

  function routeAction<A extends ActionName>(action: A): void {
    app.post(`/v1/actions/${action}`, {
      schema: {
        operationId: action,
        tags: ['actions'],
        summary: summaries[action],
        security: tokenAuth,
        headers,
        body: actionSchemas[action].meta({ examples: actionExamples[action] }),
        response: responses(
          {
            200: json('What the action did: save it whole to act on the message later', actionResultSchemas[action]),
            202: json('Accepted (`Prefer: respond-async`): the message it will send, `queued`; follow it at GET /v1/messages/{id}', messageStatusViewSchema),
          },
          ...anyAction,
          ...codes[action],
        ),
      },
    }, async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      const preference = parsePrefer(request.headers.prefer);
      const answer = await actions.perform(request.sessionId as string, action, request.body, {
        ...(idempotencyKey ? { idempotencyKey } : {}),
        signal: preference.respondAsync ? shutdown : AbortSignal.any([shutdown, callerGone(reply.raw)]),
        respondAsync: preference.respondAsync,
        ...(preference.waitSeconds !== undefined && !preference.respondAsync ? { waitMs: preference.waitSeconds * 1000 } : {}),
      });
      if (answer.kind === 'done') return answer.result;
      void reply.code(202).header('preference-applied', 'respond-async');
      return answer.message;
    });
  }

  app.post('/v1/actions/:action', { schema: { hide: true, params: z.object({ action: z.string() }) } }, async (request) => {
    parseActionName(request.params.action);
    throw new ConnectorError('INTERNAL', `Action ${request.params.action} has no route`);
  });

  app.get('/v1/messages/:id', {
    schema: {
      operationId: 'getMessage',
      tags: ['actions'],
      summary: 'Last known status of a message this connection sent',
      security: tokenAuth,
      params: z.object({ id: storableString().min(1).max(128) }),
      response: responses({ 200: json('The message', messageStatusViewSchema) }, 'UNAUTHORIZED', 'SESSION_LOGGED_OUT', 'MESSAGE_NOT_FOUND'),
    },
  }, async (request) => actions.message(request.sessionId as string, request.params.id));

  app.get('/v1/messages/:id/media', {
    schema: {
      operationId: 'getMessageMedia',
      tags: ['actions'],
      summary: 'The file of a media message this connection received or sent, decrypted as it downloads',
      security: tokenAuth,
      params: z.object({ id: storableString().min(1).max(128) }),
      querystring: z.object({ chat: storableString().min(1).max(128).optional().describe('The chat, when one id may name messages of several chats') }),
      response: responses(
        { 200: media('The file, with its type and name (Content-Disposition)', 'application/octet-stream', z.string().meta({ format: 'binary' })) },
        'UNAUTHORIZED',
        'SESSION_LOGGED_OUT',
        'SESSION_NOT_CONNECTED',
        'MESSAGE_NOT_FOUND',
        'NO_MEDIA',
        'MEDIA_UNAVAILABLE',
        'ENGINE_ERROR',
      ),
    },
  }, async (request, reply) => {
    const { chat } = request.query;
    const file = await engine.openMedia(request.sessionId as string, { id: request.params.id, ...(chat ? { chat } : {}) });
    const name = file.fileName ?? request.params.id;
    void reply.type(file.mimeType).header('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    if (file.size !== undefined) void reply.header('x-file-size', String(file.size));
    return reply.send(file.stream);
  });
};
