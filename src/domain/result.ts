import type { ActionName, Location } from './actions.js';
import type { MediaKind } from './limits.js';
import type { MessageKind, MessageRef, MessageStatus } from './message.js';

/**
 * The object an action saves into its result variable (PRODUCT §2). It is itself a message ref
 * (`chat`, `id`, `fromMe`), so a later edit, delete, reaction or forward takes it whole.
 */
export interface ActionResultBase extends MessageRef {
  action: ActionName;
  /** ISO 8601. */
  timestamp: string;
  status: MessageStatus;
}

export interface SentAttachment {
  id: string;
  title: string;
  fileName: string;
  type: MediaKind;
  mimeType: string;
  size: number;
}

export interface SendMessageResult extends ActionResultBase {
  action: 'sendMessage';
  text?: string;
  attachments?: SentAttachment[];
  /** Every WhatsApp message this send produced, in order (a text and each attachment). */
  parts: MessageRef[];
}

export interface SendLocationResult extends ActionResultBase {
  action: 'sendLocation';
  location: Location;
}

export interface SendContactResult extends ActionResultBase {
  action: 'sendContact';
  contacts: { name: string; phones: string[] }[];
}

export interface SendReactionResult extends ActionResultBase {
  action: 'sendReaction';
  emoji: string;
  target: MessageRef;
}

export interface ForwardMessageResult extends ActionResultBase {
  action: 'forwardMessage';
  target: MessageRef;
  forwards: MessageRef[];
}

/** An edit describes the edited message itself, so its result can be edited or deleted again. */
export interface EditMessageResult extends ActionResultBase {
  action: 'editMessage';
  text: string;
  editedAt: string;
}

export interface DeleteMessageResult extends ActionResultBase {
  action: 'deleteMessage';
  forEveryone: boolean;
  deletedAt: string;
  /**
   * For a saved send of several messages (a text and its attachments): each part and what became
   * of it, `deleted` now or `already-gone` (deleted earlier, e.g. by a first attempt that failed halfway).
   */
  parts?: (MessageRef & { outcome: 'deleted' | 'already-gone' })[];
}

export type ActionResults = {
  sendMessage: SendMessageResult;
  sendLocation: SendLocationResult;
  sendContact: SendContactResult;
  sendReaction: SendReactionResult;
  forwardMessage: ForwardMessageResult;
  editMessage: EditMessageResult;
  deleteMessage: DeleteMessageResult;
};

export type ActionResult = ActionResults[ActionName];

/**
 * Every WhatsApp message a result stands for, with its kind: what a store records of a send.
 * Edits and deletions change messages already recorded, so they stand for none.
 */
export function sentMessages(result: ActionResult): { ref: MessageRef; kind: MessageKind; text?: string }[] {
  const ref = (r: MessageRef): MessageRef => ({ chat: r.chat, id: r.id, fromMe: r.fromMe });
  switch (result.action) {
    case 'sendMessage': {
      const kinds = new Map((result.attachments ?? []).map((file) => [file.id, file.type] as const));
      return result.parts.map((part) => {
        const kind = kinds.get(part.id) ?? 'text';
        // The text is the first part's: its own message, or the caption of the first attachment.
        const text = part.id === result.id ? result.text : undefined;
        return text === undefined ? { ref: ref(part), kind } : { ref: ref(part), kind, text };
      });
    }
    case 'sendLocation':
      return [{ ref: ref(result), kind: 'location' }];
    case 'sendContact':
      return [{ ref: ref(result), kind: 'contact' }];
    case 'sendReaction':
      return [{ ref: ref(result), kind: 'reaction' }];
    case 'forwardMessage':
      // The forward carries the original's content; its kind is the original's, unknown here.
      return result.forwards.map((forward) => ({ ref: ref(forward), kind: 'text' }));
    default:
      return [];
  }
}
