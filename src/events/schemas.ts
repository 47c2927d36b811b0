import { z } from 'zod';
import { incomingMessageSchema, statusUpdateSchema } from '../domain/incoming.js';
import { isoTimeSchema } from '../domain/message.js';

/**
 * The events a session produces, one schema each (docs/events.md). A webhook's body, an event of
 * the stream `GET /v1/events` and what a waiting process receives are the same envelope:
 * `{ id, type, timestamp, sessionId, data }` — the shape the Standard Webhooks convention
 * recommends (`type`, `timestamp`, `data`), with the event's stable id and its session.
 */

export const sessionStateEventStates = ['linking', 'connected', 'disconnected', 'logged-out', 'failed'] as const;

export const sessionStateChangeSchema = z
  .object({
    state: z.enum(sessionStateEventStates),
    jid: z.string().optional().describe('The linked account, once connected'),
    reason: z.string().optional(),
  })
  .meta({ id: 'SessionStateChange' });

export type SessionStateChange = z.infer<typeof sessionStateChangeSchema>;

const envelope = {
  id: z.string().describe('Stable event id: the same on every delivery and retry (the webhook-id header)'),
  timestamp: isoTimeSchema,
  sessionId: z.string(),
};

export const messageReceivedEventSchema = z
  .object({ ...envelope, type: z.literal('message.received'), data: incomingMessageSchema })
  .meta({ id: 'MessageReceivedEvent', description: 'Someone wrote to the session' });

export const messageStatusEventSchema = z
  .object({ ...envelope, type: z.literal('message.status'), data: statusUpdateSchema })
  .meta({ id: 'MessageStatusEvent', description: 'A message the session sent moved on: sent, delivered, read, played or failed' });

export const sessionStateEventSchema = z
  .object({ ...envelope, type: z.literal('session.state'), data: sessionStateChangeSchema })
  .meta({ id: 'SessionStateEvent', description: 'The session linked, connected, disconnected, was logged out or failed' });

export const connectorEventSchema = z
  .discriminatedUnion('type', [messageReceivedEventSchema, messageStatusEventSchema, sessionStateEventSchema])
  .meta({ id: 'ConnectorEvent' });

export type ConnectorEvent = z.infer<typeof connectorEventSchema>;
export type ConnectorEventType = ConnectorEvent['type'];
export const connectorEventTypes = ['message.received', 'message.status', 'session.state'] as const satisfies readonly ConnectorEventType[];
