import { z } from 'zod';
import { actionNames, locationSchema, type ActionName } from './actions.js';
import { mediaKinds } from './limits.js';
import { isoTimeSchema, messageKindSchema, messageRefSchema, messageStatusSchema, type MessageKind, type MessageRef } from './message.js';

/**
 * The object an action saves into its result variable (PRODUCT §2), one schema per action: the
 * TypeScript types, the HTTP answers' documentation and the generated clients all come from here.
 * Each result is itself a message ref (`chat`, `id`, `fromMe`), so a later edit, delete, reaction
 * or forward takes it whole.
 */

/** The fields every result shares; `action` says which of them it is. */
const resultBase = {
  ...messageRefSchema.shape,
  timestamp: isoTimeSchema,
  status: messageStatusSchema,
};

export const sentAttachmentSchema = z
  .object({
    id: z.string().describe('The message that carries this file'),
    title: z.string(),
    fileName: z.string(),
    type: z.enum(mediaKinds),
    mimeType: z.string(),
    size: z.number().int().nonnegative().describe('Bytes'),
  })
  .meta({ id: 'SentAttachment' });

const sendMessageResult = z
  .object({
    action: z.literal('sendMessage'),
    ...resultBase,
    text: z.string().optional(),
    attachments: z.array(sentAttachmentSchema).optional(),
    parts: z.array(messageRefSchema).describe('Every WhatsApp message this send produced, in order (a text and each attachment)'),
    replyTo: messageRefSchema.optional().describe('The message it answers, quoted'),
  })
  .meta({ id: 'SendMessageResult' });

const sendLocationResult = z.object({ action: z.literal('sendLocation'), ...resultBase, location: locationSchema }).meta({ id: 'SendLocationResult' });

const sendContactResult = z
  .object({
    action: z.literal('sendContact'),
    ...resultBase,
    contacts: z.array(z.object({ name: z.string(), phones: z.array(z.string()) })),
  })
  .meta({ id: 'SendContactResult' });

const sendReactionResult = z
  .object({ action: z.literal('sendReaction'), ...resultBase, emoji: z.string(), target: messageRefSchema })
  .meta({ id: 'SendReactionResult' });

const forwardMessageResult = z
  .object({ action: z.literal('forwardMessage'), ...resultBase, target: messageRefSchema, forwards: z.array(messageRefSchema) })
  .meta({ id: 'ForwardMessageResult' });

/** An edit describes the edited message itself, so its result can be edited or deleted again. */
const editMessageResult = z
  .object({ action: z.literal('editMessage'), ...resultBase, text: z.string(), editedAt: isoTimeSchema })
  .meta({ id: 'EditMessageResult' });

export const deletedPartSchema = z
  .object({ ...messageRefSchema.shape, outcome: z.enum(['deleted', 'already-gone']) })
  .meta({ id: 'DeletedPart', description: 'One message of a multi-part send: `deleted` now, or `already-gone` (deleted earlier, e.g. by a first attempt that failed halfway)' });

const deleteMessageResult = z
  .object({
    action: z.literal('deleteMessage'),
    ...resultBase,
    forEveryone: z.boolean(),
    deletedAt: isoTimeSchema,
    parts: z.array(deletedPartSchema).optional().describe('For a saved send of several messages (a text and its attachments): each part and what became of it'),
  })
  .meta({ id: 'DeleteMessageResult' });

export const actionResultSchemas = {
  sendMessage: sendMessageResult,
  sendLocation: sendLocationResult,
  sendContact: sendContactResult,
  sendReaction: sendReactionResult,
  forwardMessage: forwardMessageResult,
  editMessage: editMessageResult,
  deleteMessage: deleteMessageResult,
} as const satisfies Record<ActionName, z.ZodType>;

export const actionResultSchema = z
  .discriminatedUnion('action', [sendMessageResult, sendLocationResult, sendContactResult, sendReactionResult, forwardMessageResult, editMessageResult, deleteMessageResult])
  .meta({ id: 'ActionResult' });

export type ActionResults = { [A in ActionName]: z.infer<(typeof actionResultSchemas)[A]> };
export type ActionResult = ActionResults[ActionName];
export type SentAttachment = z.infer<typeof sentAttachmentSchema>;
export type SendMessageResult = ActionResults['sendMessage'];
export type SendLocationResult = ActionResults['sendLocation'];
export type SendContactResult = ActionResults['sendContact'];
export type SendReactionResult = ActionResults['sendReaction'];
export type ForwardMessageResult = ActionResults['forwardMessage'];
export type EditMessageResult = ActionResults['editMessage'];
export type DeleteMessageResult = ActionResults['deleteMessage'];

/** What `GET /v1/messages/{id}` answers: the last known state of a message this connection sent. */
/**
 * A message's state as the API reports it: `queued` while its action waits its turn (or is being
 * sent), `failed` if it ended without being sent, then WhatsApp's receipt statuses.
 */
export const deliveryStatusSchema = z.enum(['queued', 'failed', ...messageStatusSchema.options]).meta({
  id: 'DeliveryStatus',
  description: 'queued → sent → delivered → read, or failed; it only moves forward',
});

export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const messageStatusViewSchema = z
  .object({
    ...messageRefSchema.shape,
    kind: messageKindSchema.optional().describe('Absent while the action is queued or failed before sending'),
    status: deliveryStatusSchema,
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .describe('Why it was not sent, when `status` is `failed` (the code is one of the problem codes)'),
    timestamp: isoTimeSchema.describe('When it was sent, or accepted while queued'),
    text: z.string().optional().describe('The current text or caption, after edits'),
    deleted: z.boolean(),
    action: z.enum(actionNames).optional().describe('The action that sent it'),
    result: actionResultSchema.optional().describe('That action’s result'),
    updatedAt: isoTimeSchema,
  })
  .meta({ id: 'MessageStatusView' });

export type MessageStatusView = z.infer<typeof messageStatusViewSchema>;

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
