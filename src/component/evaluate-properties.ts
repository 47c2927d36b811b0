import type { ActionName } from '../domain/actions.js';
import { normalizeChat } from '../domain/chat.js';
import { ConnectorError } from '../domain/errors.js';
import { evaluateExpression, isTemplate, renderTemplate, toText } from '../expressions/index.js';
import type { ComponentProperties } from './properties.js';

/** The properties each action reads; others are left unevaluated, so a stale field cannot fail a task. */
export const actionFields = {
  sendMessage: ['chat', 'text', 'attachments', 'attachmentFormat', 'replyTo'],
  sendLocation: ['chat', 'location'],
  sendContact: ['chat', 'contact'],
  sendReaction: ['message', 'chat', 'emoji'],
  forwardMessage: ['message', 'chat'],
  editMessage: ['message', 'chat', 'text'],
  deleteMessage: ['message', 'chat', 'forEveryone'],
} as const satisfies Record<ActionName, readonly (keyof ComponentProperties)[]>;

type Field = (typeof actionFields)[ActionName][number];

/**
 * How a string is read in each field:
 * - `text`: a template; `${…}` parts are evaluated, the rest is kept as written.
 * - `chat`: a chat written out (`+7 900 123-45-67`, `…@g.us`) is taken as is; otherwise an expression.
 * - `contact`: a vCard is taken as is; otherwise an expression.
 * - any other field: a template when it has `${…}`, otherwise an expression.
 * Objects and arrays are data; their strings are templates.
 */
const stringMode: Record<Field, 'template' | 'expression' | 'chat' | 'contact'> = {
  chat: 'chat',
  text: 'template',
  emoji: 'template',
  attachments: 'expression',
  attachmentFormat: 'expression',
  location: 'expression',
  contact: 'contact',
  message: 'expression',
  replyTo: 'expression',
  forEveryone: 'expression',
};

/**
 * Evaluates the properties an action reads against process data, giving the action's input.
 *
 * @example evaluateProperties({ action: 'sendMessage', chat: 'allValues.phone', text: 'Hi, ${allValues.name}!', … }, { allValues })
 */
export function evaluateProperties(properties: ComponentProperties, scope: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of actionFields[properties.action]) {
    const raw = properties[field];
    if (raw === undefined) continue;
    try {
      const value = evaluateField(stringMode[field], raw, scope);
      if (value !== undefined) input[field] = value;
    } catch (error) {
      throw withField(error, field);
    }
  }
  return input;
}

/**
 * A chat as the WhatsApp task reads it: a chat written out is taken as is, anything else is an
 * expression over the process data (what `<wa:awaitReply chat="…">` reads too).
 */
export function evaluateChat(written: string, scope: Record<string, unknown>): unknown {
  return evaluateField('chat', written, scope);
}

function evaluateField(mode: (typeof stringMode)[Field], raw: unknown, scope: Record<string, unknown>): unknown {
  if (typeof raw !== 'string') return renderData(raw, scope);
  switch (mode) {
    case 'template':
      // A template of one `${…}` keeps its value's type; a text field wants a string.
      return toText(renderTemplate(raw, scope));
    case 'chat':
      return isWrittenChat(raw) ? raw : evaluateString(raw, scope);
    case 'contact':
      return /^\s*BEGIN:VCARD/i.test(raw) ? raw : evaluateString(raw, scope);
    case 'expression':
      return evaluateString(raw, scope);
  }
}

function evaluateString(source: string, scope: Record<string, unknown>): unknown {
  return isTemplate(source) ? renderTemplate(source, scope) : evaluateExpression(source, scope);
}

/** Strings inside literal objects and arrays are templates; everything else stays as given. */
function renderData(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string') return isTemplate(value) ? renderTemplate(value, scope) : value;
  if (Array.isArray(value)) return value.map((item) => renderData(item, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: renderData(item, scope), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function isWrittenChat(text: string): boolean {
  try {
    normalizeChat(text);
    return true;
  } catch {
    return false;
  }
}

function withField(error: unknown, field: string): unknown {
  if (!(error instanceof ConnectorError)) return error;
  return new ConnectorError(error.code, `${field}: ${error.message}`, { ...error.details, field }, { cause: error });
}
