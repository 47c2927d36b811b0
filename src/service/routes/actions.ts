import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionNames, actionSchemas, parseActionName, type ActionName } from '../../domain/actions.js';
import { ConnectorError } from '../../domain/errors.js';
import type { ActionService } from '../actions.js';
import { requireToken } from '../auth.js';
import type { SessionService } from '../sessions.js';
import { storableText } from '../../domain/text.js';

export interface ActionRoutesOptions {
  actions: ActionService;
  sessions: SessionService;
  /** Aborted when the service stops waiting for in-flight actions at shutdown. */
  shutdown: AbortSignal;
}

const summaries: Record<ActionName, string> = {
  sendMessage: 'Send a text and/or attachments (media or documents)',
  sendLocation: 'Send a location',
  sendContact: 'Send one or more contact cards',
  sendReaction: 'React to a message with an emoji ("" removes the reaction)',
  forwardMessage: 'Forward a message to up to 5 chats',
  editMessage: 'Edit an own message within 15 minutes',
  deleteMessage: 'Delete a message for everyone (own, within 60 hours) or for me',
};

const headers = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Same key and body → the same result and no second send; same key, other body → IDEMPOTENCY_CONFLICT'),
});
const token = [{ bearerAuth: [] }];

/** The action API: one route per action, authorised by a connection token (PRODUCT §4). */
export const actionRoutes: FastifyPluginAsyncZod<ActionRoutesOptions> = async (app, { actions, sessions, shutdown }) => {
  // onRequest: the token is checked before the body is read, so no stranger's body is parsed or waited for.
  app.addHook('onRequest', requireToken(sessions));

  for (const action of actionNames) {
    app.post(`/v1/actions/${action}`, {
      schema: { tags: ['actions'], summary: summaries[action], security: token, headers, body: actionSchemas[action] },
    }, async (request) => {
      const idempotencyKey = request.headers['idempotency-key'];
      return actions.perform(request.sessionId as string, action, request.body, { ...(idempotencyKey ? { idempotencyKey } : {}), signal: shutdown });
    });
  }

  app.post('/v1/actions/:action', { schema: { hide: true, params: z.object({ action: z.string() }) } }, async (request) => {
    parseActionName(request.params.action);
    throw new ConnectorError('INTERNAL', `Action ${request.params.action} has no route`);
  });

  app.get('/v1/messages/:id', {
    schema: { tags: ['actions'], summary: 'Last known status of a message this connection sent', security: token, params: z.object({ id: z.string().min(1).max(128).refine(...storableText) }) },
  }, async (request) => actions.message(request.sessionId as string, request.params.id));
};
