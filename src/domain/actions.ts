import { z } from 'zod';
import { ConnectorError } from './errors.js';
import { isReactionEmoji } from './emoji.js';
import { limits } from './limits.js';
import { storableText } from './text.js';

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

export type ActionName = (typeof actionNames)[number];

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (actionNames as readonly string[]).includes(value);
}

const chat = z
  .string()
  .min(1)
  .describe('Phone number in international format (+79001234567) or a chat id (…@s.whatsapp.net, …@g.us, …@lid)');

export const attachmentSchema = z.object({
  title: z.string().min(1).max(255).refine(...storableText).describe('Shown to the recipient; the file name of a document'),
  url: z.string().min(1).max(4096).describe('http(s) address the file is fetched from'),
});

export const attachmentFormatSchema = z
  .enum(['media', 'document'])
  .describe('media: image, video or audio by the detected type (other files go as documents); document: always a file');

export const locationSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().max(256).refine(...storableText).optional(),
  address: z.string().max(1024).refine(...storableText).optional(),
});

export const contactCardSchema = z.object({
  name: z.string().min(1).max(256).refine(...storableText),
  phones: z.array(z.string().min(3).max(32)).min(1).max(10),
  organization: z.string().max(256).refine(...storableText).optional(),
  email: z.string().max(256).refine(...storableText).optional(),
});

const vcardText = z
  .string()
  .max(10_000)
  .refine(...storableText)
  .refine((text) => /^\s*BEGIN:VCARD/i.test(text) && /END:VCARD\s*$/i.test(text), 'a vCard starts with BEGIN:VCARD and ends with END:VCARD');

export const contactSchema = z
  .union([contactCardSchema, vcardText, z.array(z.union([contactCardSchema, vcardText])).min(1).max(20)])
  .describe('One contact { name, phones[], organization?, email? }, a vCard, or a list of them');

/**
 * A message to act on: the whole result object a previous action saved, `{ chat, id }`, or a bare
 * id of a message this connection sent.
 */
export const messageRefSchema = z
  .union([
    z.string().min(1).max(128).refine(...storableText),
    z.looseObject({
      id: z.string().min(1).max(128).refine(...storableText),
      chat: z.string().min(1).refine(...storableText).optional(),
      fromMe: z.boolean().optional(),
    }),
  ])
  .describe('The saved result of an earlier action, { chat, id }, or a message id');

const emoji = z
  .string()
  .refine(isReactionEmoji, 'a reaction is a single emoji, or "" to remove it')
  .describe('One emoji; "" removes the reaction');

const sendMessage = z
  .object({
    chat,
    text: z.string().max(limits.textMaxLength).refine(...storableText).optional().describe('Message text; the caption when attachments are sent'),
    attachments: z
      .union([attachmentSchema, z.array(attachmentSchema).max(10)])
      .optional()
      .describe('Files to send: [{ title, url }]'),
    attachmentFormat: attachmentFormatSchema.default('media'),
  })
  .refine((input) => (input.text ?? '') !== '' || hasAttachments(input.attachments), {
    message: 'a message needs a text or at least one attachment',
    path: ['text'],
  });

const sendLocation = z.object({ chat, location: locationSchema });

const sendContact = z.object({ chat, contact: contactSchema });

const sendReaction = z.object({
  message: messageRefSchema,
  chat: chat.optional().describe('Chat of the message, when `message` is a bare id'),
  emoji,
});

const forwardMessage = z.object({
  message: messageRefSchema,
  chat: z
    .union([chat, z.array(chat).min(1)])
    .describe(`Chat or chats to forward to (at most ${limits.forwardMaxChats})`),
});

const editMessage = z.object({
  message: messageRefSchema,
  chat: chat.optional().describe('Chat of the message, when `message` is a bare id'),
  text: z.string().min(1).max(limits.textMaxLength).refine(...storableText).describe('The new text (or caption of a media message)'),
});

const deleteMessage = z.object({
  message: messageRefSchema,
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
export type MessageRefInput = z.infer<typeof messageRefSchema>;

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
