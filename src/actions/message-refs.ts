import type { ActionParams } from '../domain/actions.js';
import { normalizeChat } from '../domain/chat.js';
import { ConnectorError } from '../domain/errors.js';

/**
 * How an action's `message` input (a saved result, `{ chat, id }`, or a bare id) becomes the
 * message refs it acts on.
 */

/** A message an action names: its id, and its chat when known. */
export type PartRef = { id: string; chat?: string | undefined };

/** The message refs an action names: a send result's every part when `allParts`, else its first. */
export function refsOf(message: ActionParams['editMessage']['message'], chatInput: string | undefined, allParts: boolean): [PartRef, ...PartRef[]] {
  const primary = typeof message === 'string' ? { id: message, chat: chatInput } : { id: message.id, chat: message.chat ?? chatInput };
  const parts = allParts && typeof message === 'object' && Array.isArray(message.parts) && message.parts.length > 0 ? message.parts.map(partRef) : [];
  return parts.length > 0 ? (parts as [PartRef, ...PartRef[]]) : [primary];
}

/** MESSAGE_NOT_FOUND for a message this connection cannot find. */
export function notFound(ref: PartRef): ConnectorError {
  const chat = ref.chat === undefined ? undefined : normalizeChat(ref.chat).jid;
  return new ConnectorError('MESSAGE_NOT_FOUND', `No message ${ref.id}${chat ? ` in ${chat}` : ''} for this connection`, { id: ref.id, chat });
}

function partRef(part: unknown): { id: string; chat?: string } {
  if (typeof part === 'object' && part !== null && typeof (part as { id?: unknown }).id === 'string') {
    const { id, chat } = part as { id: string; chat?: unknown };
    return typeof chat === 'string' ? { id, chat } : { id };
  }
  throw new ConnectorError('VALIDATION_ERROR', 'message.parts must list { chat, id } objects', { part });
}
