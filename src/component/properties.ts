import { z } from 'zod';
import { actionNames, validationError } from '../domain/actions.js';

/**
 * The WhatsApp task's properties as a process designer fills them in (PRODUCT §3). Fields that
 * depend on process data hold expressions; they are evaluated by `evaluateProperties` and the
 * result is validated against the action's own schema.
 */

/** A property value: literal data, or a string holding a template or an expression. */
const value = z.unknown();

export const defaultTimeoutMs = 30_000;
export const maxTimeoutMs = 10 * 60_000;

export const componentPropertiesSchema = z.object({
  connection: z.string().min(1).describe('Connection token (or, in-process, the session id)'),
  action: z.enum(actionNames).describe('What the task does'),
  chat: value.optional().describe('Phone number or chat id, literally (+79001234567) or as an expression (allValues.clientPhone)'),
  text: value.optional().describe('Text with ${…} expressions, e.g. Hello, ${allValues.clientName}!'),
  attachments: value.optional().describe('Expression giving [{ title, url }] or one such object'),
  attachmentFormat: value.optional().describe('media or document'),
  location: value.optional().describe('{ latitude, longitude, name?, address? } or an expression giving it'),
  contact: value.optional().describe('{ name, phones[], organization?, email? }, a vCard, a list, or an expression'),
  message: value.optional().describe('Expression giving the saved result of an earlier action, or a message id'),
  replyTo: value.optional().describe('sendMessage: the message this one answers, quoted (a saved result, a received message, or an id)'),
  emoji: value.optional().describe('One emoji; empty removes the reaction'),
  forEveryone: value.optional().describe('deleteMessage: true deletes for everyone (default), false for me'),
  resultVariable: z
    .string()
    .regex(/^[A-Za-z_$][\w$]*$/, 'a variable name: letters, digits, _ or $, not starting with a digit')
    .optional()
    .describe('Process variable that receives the action result'),
  timeoutMs: z.number().int().min(1).max(maxTimeoutMs).default(defaultTimeoutMs).describe('Leaves through the timeout event when exceeded'),
  respondAsync: z
    .boolean()
    .default(false)
    .describe('Completes as soon as the message is queued durably; the result is the queued message (status queued), followed at GET /v1/messages/{id}'),
});

export type ComponentPropertiesInput = z.input<typeof componentPropertiesSchema>;
export type ComponentProperties = z.output<typeof componentPropertiesSchema>;

export function parseComponentProperties(input: unknown): ComponentProperties {
  const result = componentPropertiesSchema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(result.error, 'Invalid WhatsApp task properties');
}
