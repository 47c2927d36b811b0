import { z } from 'zod';
import { mediaKinds } from './limits.js';

/** A moment as the API writes it: ISO 8601 in UTC. */
export const isoTimeSchema = z.string().meta({ format: 'date-time' }).describe('ISO 8601');

/** What identifies a sent message for later actions (PRODUCT §2). */
export const messageRefSchema = z
  .object({
    chat: z.string().describe('The chat as a JID: 79001234567@s.whatsapp.net, …@g.us'),
    id: z.string().describe('WhatsApp message id'),
    fromMe: z.boolean().describe('Sent by this connection'),
  })
  .meta({ id: 'MessageRef', description: 'A WhatsApp message: its chat, id and whether this connection sent it' });

export type MessageRef = z.infer<typeof messageRefSchema>;

export const messageStatusSchema = z
  .enum(['pending', 'sent', 'delivered', 'read'])
  .meta({ id: 'MessageStatus', description: 'Receipt status; it only moves forward' });

export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const messageKindSchema = z.enum(['text', ...mediaKinds, 'location', 'contact', 'reaction']).meta({ id: 'MessageKind' });

export type MessageKind = z.infer<typeof messageKindSchema>;

/**
 * What an engine remembers of a message, sent or received: enough to apply WhatsApp's rules to a
 * later edit, delete, reaction or forward.
 */
export interface MessageRecord extends MessageRef {
  kind: MessageKind;
  /** Milliseconds since the epoch, when the message was sent. */
  timestamp: number;
  status: MessageStatus;
  /** Text, or the caption of a media message. */
  text?: string;
  /** How many times the content has been forwarded; WhatsApp limits forwards from 5 on. */
  forwardingScore: number;
  deletedForEveryone: boolean;
}

const order: Record<MessageStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/** Receipts arrive out of order; a status only moves forward. */
export function laterStatus(current: MessageStatus, incoming: MessageStatus): MessageStatus {
  return order[incoming] > order[current] ? incoming : current;
}
