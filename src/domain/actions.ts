import { z } from 'zod';
import { ConnectorError } from './errors.js';
import { isReactionEmoji, reactionMaxLength, reactionPattern } from './emoji.js';
import { limits } from './limits.js';
import { storableString } from './text.js';

/**
 * One schema per action: the single source of the request validation, the TypeScript types,
 * the designer's form descriptor and (later) the OpenAPI document.
 */

export const actionNames = [
  'sendMessage',
  'sendLocation',
  'sendContact',
  'sendReaction',
  'forwardMessage',
  'editMessage',
  'deleteMessage',
] as const;

/** Actions that send a message (a later edit or deletion may change it; its outcome is its first status). */
export const messageSendingActions: ReadonlySet<string> = new Set(['sendMessage', 'sendLocation', 'sendContact', 'forwardMessage']);

export type ActionName = (typeof actionNames)[number];

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (actionNames as readonly string[]).includes(value);
}

const chat = z
  .string()
  .min(1)
  .describe('Phone number in international format (+79001234567) or a chat id (…@s.whatsapp.net, …@g.us, …@lid)');

export const attachmentSchema = z
  .strictObject({
    title: storableString().min(1).max(255).describe('Shown to the recipient; the file name of a document'),
    url: z.string().min(1).max(4096).describe('http(s) address the file is fetched from'),
  })
  .meta({ id: 'Attachment', description: 'A file to send, fetched from its address' });

export const attachmentFormatSchema = z
  .enum(['media', 'document'])
  .describe('media: image, video or audio by the detected type (other files go as documents); document: always a file');

export const locationSchema = z
  .strictObject({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: storableString().max(256).optional(),
    address: storableString().max(1024).optional(),
  })
  .meta({ id: 'Location' });

export const contactCardSchema = z
  .strictObject({
    name: storableString().min(1).max(256),
    phones: z.array(z.string().min(3).max(32)).min(1).max(10),
    organization: storableString().max(256).optional(),
    email: storableString().max(256).optional(),
  })
  .meta({ id: 'ContactCard', description: 'A contact written out; the connector makes its vCard' });

/** vCard property names are case-insensitive (RFC 6350), and a JSON Schema pattern has no `i` flag. */
const caseless = (word: string) => word.replace(/[a-z]/gi, (letter) => `[${letter.toUpperCase()}${letter.toLowerCase()}]`);

const vcardText = storableString()
  .max(10_000)
  .regex(new RegExp(`^\\s*${caseless('BEGIN:VCARD')}[\\s\\S]*${caseless('END:VCARD')}\\s*$`, 'u'), {
    message: 'a vCard starts with BEGIN:VCARD and ends with END:VCARD',
  })
  .meta({ id: 'VCard', description: 'A vCard (RFC 6350) as text, BEGIN:VCARD … END:VCARD' });

export const contactSchema = z
  .union([contactCardSchema, vcardText, z.array(z.union([contactCardSchema, vcardText])).min(1).max(20)])
  .describe('One contact { name, phones[], organization?, email? }, a vCard, or a list of them');

/**
 * A message to act on: the whole result object a previous action saved, `{ chat, id }`, or a bare
 * id of a message this connection sent. Loose on purpose: a saved result carries more fields.
 */
export const messageTargetSchema = z
  .union([
    storableString().min(1).max(128),
    z.looseObject({
      id: storableString().min(1).max(128),
      chat: storableString().min(1).optional(),
      fromMe: z.boolean().optional(),
    }),
  ])
  .meta({ id: 'MessageTarget', description: 'The saved result of an earlier action (any MessageRef), { chat, id }, or a message id' });

const notOneEmoji = 'a reaction is a single emoji, or "" to remove it';
const emoji = z
  .string()
  .max(reactionMaxLength, notOneEmoji)
  .regex(reactionPattern, notOneEmoji)
  .refine(isReactionEmoji, notOneEmoji)
  .describe('One emoji; "" removes the reaction');

/**
 * What the refinement below checks, said in JSON Schema for the document: a text, or a file (`minItems`
 * holds for a list only, so one attachment object passes too).
 */
const textOrAttachments = {
  allOf: [{ anyOf: [{ required: ['text'], properties: { text: { minLength: 1 } } }, { required: ['attachments'], properties: { attachments: { minItems: 1 } } }] }],
};

const sendMessage = z
  .strictObject({
    chat,
    text: storableString().max(limits.textMaxLength).optional().describe('Message text; the caption when attachments are sent'),
    attachments: z
      .union([attachmentSchema, z.array(attachmentSchema).max(10)])
      .optional()
      .describe('Files to send: [{ title, url }]'),
    attachmentFormat: attachmentFormatSchema.default('media'),
    replyTo: messageTargetSchema.optional().describe('A message of the chat this one answers, shown quoted above it: a received message’s id, or a saved result'),
  })
  .refine((input) => (input.text ?? '') !== '' || hasAttachments(input.attachments), {
    message: 'a message needs a text or at least one attachment',
    path: ['text'],
  })
  .meta(textOrAttachments);

const sendLocation = z.strictObject({ chat, location: locationSchema });

const sendContact = z.strictObject({ chat, contact: contactSchema });

const sendReaction = z.strictObject({
  message: messageTargetSchema,
  chat: chat.optional().describe('Chat of the message, when `message` is a bare id'),
  emoji,
});

const forwardMessage = z.strictObject({
  message: messageTargetSchema,
  chat: z
    .union([chat, z.array(chat).min(1).max(limits.forwardMaxChats)])
    .describe(`Chat or chats to forward to (at most ${limits.forwardMaxChats})`),
});

const editMessage = z.strictObject({
  message: messageTargetSchema,
  chat: chat.optional().describe('Chat of the message, when `message` is a bare id'),
  text: storableString().min(1).max(limits.textMaxLength).describe('The new text (or caption of a media message)'),
});

const deleteMessage = z.strictObject({
  message: messageTargetSchema,
  chat: chat.optional().describe('Chat of the message, when `message` is a bare id'),
  forEveryone: z.boolean().default(true).describe('true: delete for everyone (own messages); false: delete for me'),
});

export const actionSchemas = {
  sendMessage,
  sendLocation,
  sendContact,
  sendReaction,
  forwardMessage,
  editMessage,
  deleteMessage,
} as const satisfies Record<ActionName, z.ZodType>;

/** What a caller passes for each action (defaults still optional). */
export type ActionInputs = { [A in ActionName]: z.input<(typeof actionSchemas)[A]> };
/** The validated input of each action, defaults applied. */
export type ActionParams = { [A in ActionName]: z.output<(typeof actionSchemas)[A]> };

export type AttachmentInput = z.infer<typeof attachmentSchema>;
export type AttachmentFormat = z.infer<typeof attachmentFormatSchema>;
export type Location = z.infer<typeof locationSchema>;
export type ContactCard = z.infer<typeof contactCardSchema>;
export type MessageRefInput = z.infer<typeof messageTargetSchema>;

/**
 * Validates an action's input; every problem is reported at once as VALIDATION_ERROR with the
 * field paths.
 *
 * @example parseActionInput('sendMessage', { chat: '+79001234567', text: 'Hi' })
 */
export function parseActionInput<A extends ActionName>(action: A, input: unknown): ActionParams[A] {
  const result = actionSchemas[action].safeParse(input);
  if (result.success) return result.data as ActionParams[A];
  throw validationError(result.error, `Invalid ${action} input`);
}

/** Checks an action name, as a caller may send any string. */
export function parseActionName(value: unknown): ActionName {
  if (isActionName(value)) return value;
  throw new ConnectorError('VALIDATION_ERROR', `Unknown action "${String(value)}"; expected one of ${actionNames.join(', ')}`, {
    action: value,
    allowed: [...actionNames],
  });
}

export function validationError(error: z.ZodError, prefix: string): ConnectorError {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new ConnectorError('VALIDATION_ERROR', `${prefix}: ${summary}`, { issues });
}

/** JSON Schema (2020-12) of an action's input, for forms and API documents. */
export function actionJsonSchema(action: ActionName): Record<string, unknown> {
  return z.toJSONSchema(actionSchemas[action], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function hasAttachments(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined;
}

/** `""` (remove) or exactly one emoji: the shapes WhatsApp takes are in emoji.ts. */
export { isReactionEmoji };
