import type { MessageStatusView } from '../domain/result.js';
import type { OutboxRow } from './outbox.js';

/** The message an accepted action will send, while it waits or after it failed: what a `202` answers. */
export function queuedMessage(entry: OutboxRow): MessageStatusView {
  return {
    id: entry.messageId,
    chat: entry.chat ?? '',
    fromMe: true,
    status: entry.state,
    ...(entry.error ? { error: { code: entry.error.code, message: entry.error.message } } : {}),
    timestamp: new Date(entry.acceptedAt).toISOString(),
    deleted: false,
    action: entry.action,
    updatedAt: new Date(entry.updatedAt).toISOString(),
  };
}
