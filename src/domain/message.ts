import type { MediaKind } from './limits.js';

/** What identifies a sent message for later actions (PRODUCT §2). */
export interface MessageRef {
  chat: string;
  id: string;
  fromMe: boolean;
}

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read';

export type MessageKind = 'text' | MediaKind | 'location' | 'contact' | 'reaction';

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
