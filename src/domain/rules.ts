import { ConnectorError } from './errors.js';
import { limits } from './limits.js';
import type { MessageRecord } from './message.js';

/**
 * WhatsApp's rules on existing messages, shared by every engine: the sandbox enforces them as the
 * network would, and the action runner checks them before sending so users get a clear error.
 * Each takes the time as an argument, so tests can stand on either side of every window.
 */

const EDITABLE_KINDS = new Set(['text', 'image', 'video', 'document']);

/** Edit: own messages only (text, or a media caption), within 15 minutes of sending. */
export function assertCanEdit(message: MessageRecord, now: number): void {
  assertNotDeleted(message);
  if (!message.fromMe) throw notYours(message, 'edit');
  if (!EDITABLE_KINDS.has(message.kind)) {
    throw new ConnectorError('VALIDATION_ERROR', `A ${message.kind} message has no text to edit`, { id: message.id, kind: message.kind });
  }
  const age = now - message.timestamp;
  if (age > limits.editWindowMs) {
    throw new ConnectorError('EDIT_WINDOW_EXPIRED', `Message ${message.id} was sent ${minutes(age)} ago; WhatsApp allows edits within 15 minutes`, {
      id: message.id,
      sentAt: new Date(message.timestamp).toISOString(),
      windowMs: limits.editWindowMs,
    });
  }
}

/** Delete for everyone: own messages within about 60 hours. Delete for me: any message. */
export function assertCanDelete(message: MessageRecord, forEveryone: boolean, now: number): void {
  if (!forEveryone) return;
  assertNotDeleted(message);
  if (!message.fromMe) throw notYours(message, 'delete for everyone');
  const age = now - message.timestamp;
  if (age > limits.deleteForEveryoneWindowMs) {
    throw new ConnectorError(
      'DELETE_WINDOW_EXPIRED',
      `Message ${message.id} was sent ${hours(age)} ago; WhatsApp deletes for everyone within 60 hours (delete for me still works)`,
      { id: message.id, sentAt: new Date(message.timestamp).toISOString(), windowMs: limits.deleteForEveryoneWindowMs },
    );
  }
}

/** A reaction needs a message that still exists and is not itself a reaction. */
export function assertCanReact(message: MessageRecord): void {
  assertNotDeleted(message);
  if (message.kind === 'reaction') {
    throw new ConnectorError('VALIDATION_ERROR', 'A reaction cannot be reacted to', { id: message.id });
  }
}

/** Forward: at most 5 chats at once, 1 for a message already forwarded many times. */
export function assertCanForward(message: MessageRecord, chatCount: number): void {
  assertNotDeleted(message);
  if (message.kind === 'reaction') {
    throw new ConnectorError('VALIDATION_ERROR', 'A reaction cannot be forwarded', { id: message.id });
  }
  const max = maxForwardChats(message);
  if (chatCount > max) {
    throw new ConnectorError('VALIDATION_ERROR', `A message can be forwarded to at most ${max} chat${max === 1 ? '' : 's'} at once; got ${chatCount}`, {
      id: message.id,
      limit: max,
      chats: chatCount,
    });
  }
}

export function maxForwardChats(message: Pick<MessageRecord, 'forwardingScore'>): number {
  return message.forwardingScore >= limits.frequentlyForwardedScore
    ? limits.forwardMaxChatsWhenFrequentlyForwarded
    : limits.forwardMaxChats;
}

/**
 * Reactions: one per sender per message; a new one replaces the old, `""` removes it.
 * Returns a new map and leaves the given one as it was.
 */
export function applyReaction(reactions: ReadonlyMap<string, string>, sender: string, emoji: string): Map<string, string> {
  const next = new Map(reactions);
  if (emoji === '') next.delete(sender);
  else next.set(sender, emoji);
  return next;
}

/** A caption longer than WhatsApp allows goes as its own text message before the media. */
export function fitsCaption(text: string): boolean {
  return text.length <= limits.captionMaxLength;
}

function assertNotDeleted(message: MessageRecord): void {
  if (message.deletedForEveryone) {
    throw new ConnectorError('MESSAGE_NOT_FOUND', `Message ${message.id} was deleted`, { id: message.id, chat: message.chat });
  }
}

function notYours(message: MessageRecord, what: string): ConnectorError {
  return new ConnectorError('NOT_YOUR_MESSAGE', `Only your own messages can be changed (${what}); ${message.id} was sent by someone else`, {
    id: message.id,
    chat: message.chat,
  });
}

function minutes(ms: number): string {
  return `${Math.floor(ms / 60_000)} min`;
}

function hours(ms: number): string {
  return `${Math.floor(ms / 3_600_000)} h`;
}
