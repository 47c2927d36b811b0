import { z } from 'zod';
import { errorCodes } from '../domain/errors.js';
import { isoTimeSchema } from '../domain/message.js';
import { sessionStates } from '../engines/engine.js';

/**
 * The shapes the service answers with, beside the action results of `domain/result.ts`. Each is a
 * named component of `/openapi.json`; routes declare them, so the handlers' return types are
 * checked against them at compile time and the contract test checks the wire against the document.
 */

/** An RFC 9457 problem document with our stable `code` (PRODUCT §4). */
export const problemSchema = z
  .object({
    type: z.string().describe('urn:whatsapp-connector:error:<code>'),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(errorCodes).describe('Stable; a process routes its error boundary on it (docs/service.md)'),
    detail: z.string(),
    instance: z.string().optional().describe('The request path'),
    requestId: z.string().optional().describe('The id the service log files this request under (also the x-request-id header)'),
    details: z.record(z.string(), z.unknown()).optional().describe('Machine-readable particulars, e.g. issues[] of VALIDATION_ERROR or retryAfterMs of RATE_LIMITED'),
  })
  .meta({ id: 'Problem', description: 'Every error answer: application/problem+json' });

export type Problem = z.infer<typeof problemSchema>;

export const sessionViewSchema = z
  .object({
    sessionId: z.string(),
    state: z.enum(sessionStates),
    label: z.string().nullable(),
    engine: z.enum(['sandbox', 'baileys']).nullable().describe('The engine that linked it; null when not known yet'),
    reason: z.string().nullable().describe('Why it cannot act now: it failed to start, or another engine owns it'),
    jid: z.string().nullable(),
    phone: z.string().nullable(),
    linkUrl: z.string().describe('The link page a person opens to scan the QR code'),
    createdAt: isoTimeSchema,
    linkedAt: isoTimeSchema.nullable(),
    lastSeenAt: isoTimeSchema.nullable(),
    owner: z.string().nullable().optional().describe('Cluster mode only: the node whose socket serves the session now; null while none holds it'),
  })
  .meta({ id: 'Session' });

export const sessionListSchema = z.object({ sessions: z.array(sessionViewSchema) }).meta({ id: 'SessionList' });

export const issuedTokenSchema = z
  .object({
    tokenId: z.string().describe('Names the token for revocation; not a secret'),
    token: z.string().describe('The connection token (wac_…), shown only now'),
    sessionId: z.string(),
  })
  .meta({ id: 'IssuedToken' });

export const pairingCodeSchema = z.object({ code: z.string().describe('8 characters, typed on the phone') }).meta({ id: 'PairingCode' });

export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const readySchema = z.object({ status: z.literal('ready') }).meta({ id: 'Ready' });

/** The `data` of each event of the link stream, by event name (JSON in the event's data line). */
export const linkEventSchemas = {
  state: z.object({ state: z.enum(sessionStates), jid: z.string().optional(), phone: z.string().optional() }).meta({ id: 'LinkStateEvent' }),
  qr: z
    .object({ qr: z.string().describe('The QR code’s text'), image: z.string().describe('PNG data URL'), expiresAt: z.number().describe('Epoch milliseconds') })
    .meta({ id: 'LinkQrEvent' }),
  'pairing-code': z.object({ code: z.string() }).meta({ id: 'LinkPairingCodeEvent' }),
  connected: z
    .object({ jid: z.string(), phone: z.string(), token: z.string().optional().describe('Only to the first page that sees the link'), tokenId: z.string().optional() })
    .meta({ id: 'LinkConnectedEvent' }),
  failed: z.object({ reason: z.string() }).meta({ id: 'LinkFailedEvent' }),
  unreachable: z.object({ reason: z.string(), retryInMs: z.number() }).meta({ id: 'LinkUnreachableEvent' }),
} as const;

// Sandbox mode: the views of the network are the engine's own (engines/sandbox/view-schemas.ts).

export const sandboxLinkedSchema = z.object({ sessionId: z.string(), jid: z.string() }).meta({ id: 'SandboxLinked' });
export const sandboxPhoneSchema = z.object({ jid: z.string(), phone: z.string(), onWhatsApp: z.boolean() }).meta({ id: 'SandboxPhone' });
export const sandboxSentSchema = z.object({ id: z.string(), chat: z.string() }).meta({ id: 'SandboxSent' });
export const sandboxGroupSchema = z.object({ jid: z.string(), subject: z.string(), participants: z.array(z.string()) }).meta({ id: 'SandboxGroup' });
