import { laterStatus, type MessageStatus } from '../../domain/message.js';
import type { StoredMessage } from './store.js';

const order: readonly MessageStatus[] = ['pending', 'sent', 'delivered', 'read'];

/**
 * Records that `recipients` (all of them when undefined) received or read the message. The
 * sender's status is the least advanced receipt, as WhatsApp shows two grey ticks in a group only
 * once every member has the message. Returns the sender's new status when it moved.
 */
export function applyReceipt(message: StoredMessage, status: 'delivered' | 'read', recipients?: readonly string[]): MessageStatus | undefined {
  for (const jid of recipients ?? [...message.receipts.keys()]) {
    const current = message.receipts.get(jid);
    if (current !== undefined) message.receipts.set(jid, laterStatus(current, status));
  }
  if (message.receipts.size === 0) return undefined;
  const least = order[Math.min(...[...message.receipts.values()].map((value) => order.indexOf(value)))] ?? message.status;
  const next = laterStatus(message.status, least);
  if (next === message.status) return undefined;
  message.status = next;
  return next;
}

/** Whether `viewer` has yet to read a message someone else sent. */
export function isUnreadBy(message: StoredMessage, viewer: string): boolean {
  const receipt = message.receipts.get(viewer);
  return receipt !== undefined && receipt !== 'read' && !message.deletedForEveryone && !message.deletedFor.has(viewer);
}
