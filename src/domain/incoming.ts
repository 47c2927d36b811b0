import { z } from 'zod';
import { mediaKinds } from './limits.js';
import { isoTimeSchema, messageRefSchema } from './message.js';

/**
 * What WhatsApp tells a session: a message someone wrote, a receipt, a change of the session's
 * state. Every engine (sandbox, Baileys, Cloud API) reports these in the same shapes, so the events
 * of `src/events/`, the event stream and a process waiting for a reply never know which engine ran.
 */

const location = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
});

const contact = z.object({ displayName: z.string(), phones: z.array(z.string()), vcard: z.string() });

/** What a received message carries; `kind` tells which. */
export const incomingContentSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({
      kind: z.literal('media'),
      mediaKind: z.enum(mediaKinds),
      mimeType: z.string(),
      caption: z.string().optional(),
      fileName: z.string().optional(),
      size: z.number().int().nonnegative().optional(),
    }),
    z.object({ kind: z.literal('location'), location }),
    z.object({ kind: z.literal('contact'), contacts: z.array(contact).min(1) }),
    z.object({ kind: z.literal('reaction'), target: messageRefSchema, emoji: z.string().describe('Empty: the reaction was removed') }),
    z.object({ kind: z.literal('edit'), target: messageRefSchema, text: z.string() }),
    z.object({ kind: z.literal('revoke'), target: messageRefSchema }),
  ])
  .meta({ id: 'IncomingContent' });

export type IncomingContent = z.infer<typeof incomingContentSchema>;

export const senderSchema = z
  .object({
    jid: z.string().describe('Who wrote: a user JID (…@s.whatsapp.net) or a LID (…@lid) when the phone is hidden'),
    phone: z
      .string()
      .optional()
      .describe('E.164, such as +79001234567, when known (resolved from a LID where WhatsApp told it)'),
    name: z.string().optional().describe('The name the sender set in WhatsApp'),
  })
  .meta({ id: 'Sender' });

export const incomingMessageSchema = z
  .object({
    id: z.string().describe('WhatsApp message id'),
    chat: z.string().describe('The chat as a JID; a group (…@g.us) or the sender'),
    group: z.boolean(),
    sender: senderSchema,
    timestamp: isoTimeSchema,
    quoted: messageRefSchema.optional().describe('The message this one replies to'),
    content: incomingContentSchema,
  })
  .meta({ id: 'IncomingMessage' });

export type IncomingMessage = z.infer<typeof incomingMessageSchema>;

/** A receipt's status as events report it: `failed` carries an error code. */
export const deliveryStatusSchema = z.enum(['sent', 'delivered', 'read', 'played', 'failed']).meta({ id: 'ReceiptStatus' });

export type ReceiptStatus = z.infer<typeof deliveryStatusSchema>;

export const statusUpdateSchema = z
  .object({
    message: messageRefSchema,
    status: deliveryStatusSchema,
    recipient: z.string().optional().describe('In a group: whose phone the receipt is from'),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    timestamp: isoTimeSchema,
  })
  .meta({ id: 'StatusUpdate' });

export type StatusUpdate = z.infer<typeof statusUpdateSchema>;
