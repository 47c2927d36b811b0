import { actionJsonSchema, actionNames, attachmentFormatSchema, type ActionName, type AttachmentFormat } from '../domain/actions.js';
import { errorCodes, type ErrorCode } from '../domain/errors.js';
import { limits } from '../domain/limits.js';
import { actionFields } from './evaluate-properties.js';
import { defaultTimeoutMs, maxTimeoutMs } from './properties.js';
import { waitForReply, type WaitForReplyDescriptor } from './wait-descriptor.js';

/** Help text in the languages the designer shows. */
export interface Localized {
  en: string;
  ru: string;
}

export type Language = keyof Localized;

export type FieldName =
  | 'connection'
  | 'action'
  | (typeof actionFields)[ActionName][number]
  | 'resultVariable'
  | 'timeoutMs';

export interface FieldDescriptor {
  name: FieldName;
  /** How the form edits the field. */
  widget: 'connection' | 'select' | 'expression' | 'template' | 'json' | 'boolean' | 'number' | 'variableName';
  section: 'connection' | 'parameters' | 'result';
  label: Localized;
  help: Localized;
  /** The actions the field shows for. */
  visibleFor: ActionName[];
  /** The actions it is required for. */
  requiredFor: ActionName[];
  default?: unknown;
  options?: { value: string; label: Localized }[];
  minimum?: number;
  maximum?: number;
}

export interface ActionDescriptor {
  value: ActionName;
  label: Localized;
  help: Localized;
  /** The parameters the action reads (evaluated against process data), in form order. */
  fields: FieldName[];
  /** The fields a task with this action must fill in. */
  required: FieldName[];
  /** JSON Schema (2020-12) of the evaluated input, as the service validates it. */
  schema: Record<string, unknown>;
}

export interface BoundaryEventDescriptor {
  type: 'error' | 'timeout';
  label: Localized;
  help: Localized;
  /** The `errorCode`s the error event can catch. */
  codes?: ErrorCode[];
}

export interface FormDescriptor {
  component: 'whatsapp';
  name: Localized;
  description: Localized;
  languages: Language[];
  fields: FieldDescriptor[];
  actions: ActionDescriptor[];
  boundaryEvents: BoundaryEventDescriptor[];
  /** The companion task that waits for the client's reply (`<wa:awaitReply>`). */
  waitForReply: WaitForReplyDescriptor;
}

const actionTexts: Record<ActionName, { label: Localized; help: Localized }> = {
  sendMessage: {
    label: { en: 'Send message', ru: 'Отправить сообщение' },
    help: {
      en: 'Sends a text, attachments, or both (the text becomes the caption). Needs a text or at least one attachment.',
      ru: 'Отправляет текст, вложения или и то и другое (текст становится подписью). Нужен текст или хотя бы одно вложение.',
    },
  },
  sendLocation: {
    label: { en: 'Send location', ru: 'Отправить геолокацию' },
    help: { en: 'Sends a point on the map with an optional name and address.', ru: 'Отправляет точку на карте с необязательными названием и адресом.' },
  },
  sendContact: {
    label: { en: 'Send contact', ru: 'Отправить контакт' },
    help: { en: 'Sends one or more contact cards.', ru: 'Отправляет одну или несколько карточек контактов.' },
  },
  sendReaction: {
    label: { en: 'Send reaction to a message', ru: 'Отправить реакцию на сообщение' },
    help: {
      en: 'Puts an emoji on a message; a new reaction replaces the previous one, an empty one removes it.',
      ru: 'Ставит эмодзи на сообщение; новая реакция заменяет прежнюю, пустая удаляет её.',
    },
  },
  forwardMessage: {
    label: { en: 'Forward message', ru: 'Переслать сообщение' },
    help: { en: `Forwards a message to up to ${limits.forwardMaxChats} chats.`, ru: `Пересылает сообщение в один или несколько диалогов (до ${limits.forwardMaxChats}).` },
  },
  editMessage: {
    label: { en: 'Edit message', ru: 'Изменить сообщение' },
    help: {
      en: `Changes the text or caption of an own message within ${limits.editWindowMs / 60_000} minutes of sending.`,
      ru: `Изменяет текст или подпись своего сообщения в течение ${limits.editWindowMs / 60_000} минут после отправки.`,
    },
  },
  deleteMessage: {
    label: { en: 'Delete message', ru: 'Удалить сообщение' },
    help: {
      en: `Deletes a message for everyone (own messages, within about ${limits.deleteForEveryoneWindowMs / 3_600_000} hours) or for me.`,
      ru: `Удаляет сообщение у всех (свои сообщения, в течение примерно ${limits.deleteForEveryoneWindowMs / 3_600_000} часов) или только у себя.`,
    },
  },
};

const attachmentFormatLabels: Record<AttachmentFormat, Localized> = {
  media: { en: 'Media', ru: 'Медиа' },
  document: { en: 'Document', ru: 'Документ' },
};

type FieldText = Pick<FieldDescriptor, 'widget' | 'section' | 'label' | 'help'> & Partial<Pick<FieldDescriptor, 'default' | 'options' | 'minimum' | 'maximum'>>;

const fieldTexts: Record<FieldName, FieldText> = {
  connection: {
    widget: 'connection',
    section: 'connection',
    label: { en: 'Authorization token', ru: 'Авторизационный токен' },
    help: {
      en: 'The WhatsApp connection: a token from the token service, where a phone was linked by scanning a QR code.',
      ru: 'Подключение к WhatsApp: токен из сервиса токенов, где телефон привязан сканированием QR-кода.',
    },
  },
  action: {
    widget: 'select',
    section: 'parameters',
    label: { en: 'Action', ru: 'Действие' },
    help: { en: 'What the task does.', ru: 'Действие, которое выполнит компонент.' },
    options: actionNames.map((value) => ({ value, label: actionTexts[value].label })),
  },
  chat: {
    widget: 'expression',
    section: 'parameters',
    label: { en: 'Chat', ru: 'Диалог' },
    help: {
      en: `A phone number in international format (+79001234567) or a group id (…@g.us), written out or as an expression such as allValues.clientPhone. Forward takes one chat or a list of up to ${limits.forwardMaxChats}; reaction, edit and deletion need it only when the message is a bare id.`,
      ru: `Номер телефона в международном формате (+79001234567) или идентификатор группы (…@g.us), напрямую или выражением, например allValues.clientPhone. Для пересылки — один диалог или список до ${limits.forwardMaxChats}; для реакции, изменения и удаления нужен, только если сообщение задано одним идентификатором.`,
    },
  },
  text: {
    widget: 'template',
    section: 'parameters',
    label: { en: 'Text', ru: 'Текст' },
    help: {
      en: 'Up to 4096 characters; ${…} parts are expressions over the process data, e.g. Hello, ${allValues.clientName}! With attachments it becomes the caption.',
      ru: 'До 4096 символов; части ${…} — выражения по данным процесса, например Добрый день, ${allValues.clientName}! С вложениями становится подписью.',
    },
  },
  attachments: {
    widget: 'expression',
    section: 'parameters',
    label: { en: 'Attachments', ru: 'Вложения' },
    help: {
      en: 'An expression giving files as [{ title: "...", url: "https://..." }]; each is fetched by its URL.',
      ru: 'Выражение, возвращающее файлы в формате [{ title: "...", url: "https://..." }]; каждый файл загружается по ссылке.',
    },
  },
  attachmentFormat: {
    widget: 'select',
    section: 'parameters',
    label: { en: 'Attachment format', ru: 'Формат отправки вложений' },
    help: {
      en: 'Media: images, video and audio are shown in the chat (other files go as documents). Document: every file is sent as a file named by its title.',
      ru: 'Медиа: изображения, видео и аудио показываются в чате (прочие файлы — документами). Документ: каждый файл отправляется файлом с его названием.',
    },
    options: attachmentFormatSchema.options.map((value) => ({ value, label: attachmentFormatLabels[value] })),
  },
  location: {
    widget: 'json',
    section: 'parameters',
    label: { en: 'Location', ru: 'Геолокация' },
    help: { en: '{ latitude, longitude, name?, address? }, or an expression giving it.', ru: '{ latitude, longitude, name?, address? } или выражение, возвращающее его.' },
  },
  contact: {
    widget: 'json',
    section: 'parameters',
    label: { en: 'Contact', ru: 'Контакт' },
    help: {
      en: '{ name, phones: [...], organization?, email? }, a vCard, a list of them, or an expression.',
      ru: '{ name, phones: [...], organization?, email? }, vCard, их список или выражение.',
    },
  },
  message: {
    widget: 'expression',
    section: 'parameters',
    label: { en: 'Message', ru: 'Сообщение' },
    help: {
      en: 'The message to act on: the variable an earlier WhatsApp task saved its result in (e.g. variables.reminder), { chat, id }, or a message id in quotes.',
      ru: 'Сообщение, над которым выполняется действие: переменная с результатом предыдущей задачи WhatsApp (например variables.reminder), { chat, id } или идентификатор сообщения в кавычках.',
    },
  },
  replyTo: {
    widget: 'expression',
    section: 'parameters',
    label: { en: 'Reply to', ru: 'Ответ на' },
    help: {
      en: 'Optional: the message this one answers, shown quoted above it — a saved result (variables.reminder), a received reply (variables.reply), or a message id in quotes. It must be of the same chat.',
      ru: 'Необязательно: сообщение, на которое отвечает это, — оно показывается цитатой: сохранённый результат (variables.reminder), полученный ответ (variables.reply) или идентификатор сообщения в кавычках. Из того же чата.',
    },
  },
  emoji: {
    widget: 'template',
    section: 'parameters',
    label: { en: 'Reaction', ru: 'Реакция' },
    help: { en: 'One emoji; empty removes the reaction.', ru: 'Один эмодзи; пустое значение удаляет реакцию.' },
  },
  forEveryone: {
    widget: 'boolean',
    section: 'parameters',
    label: { en: 'Delete for everyone', ru: 'Удалить у всех' },
    help: {
      en: 'On: delete for everyone (own messages, within about 60 hours). Off: delete for me.',
      ru: 'Включено: удалить у всех (свои сообщения, в течение примерно 60 часов). Выключено: удалить у себя.',
    },
  },
  resultVariable: {
    widget: 'variableName',
    section: 'result',
    label: { en: 'Save to', ru: 'Сохранить в' },
    help: {
      en: 'The variable that receives the answer: the sent message’s id and data, for later edits, deletions and reactions.',
      ru: 'Переменная, в которую записывается ответ: идентификатор и данные отправленного сообщения для последующего изменения, удаления и реакций.',
    },
  },
  timeoutMs: {
    widget: 'number',
    section: 'result',
    label: { en: 'Time limit, ms', ru: 'Ограничение времени, мс' },
    help: {
      en: 'After this long the task leaves through the timeout boundary event.',
      ru: 'По истечении этого времени задача выходит через пограничное событие «Таймаут».',
    },
    default: defaultTimeoutMs,
    minimum: 1,
    maximum: maxTimeoutMs,
  },
};

/** Fields every task has, whatever its action. */
const everyAction = new Set<FieldName>(['connection', 'action', 'resultVariable', 'timeoutMs']);

/**
 * A JSON description of the task for a process designer's form, in English and Russian, derived
 * from the same action schemas that validate a run: which fields show for which action, which
 * are required, defaults, help texts, the boundary events with the error codes, and each action's
 * input schema. Each call gives a fresh object.
 *
 * @example const form = formDescriptor(); form.fields.filter((field) => field.visibleFor.includes('sendMessage'))
 */
export function formDescriptor(): FormDescriptor {
  const schemas = Object.fromEntries(actionNames.map((action) => [action, actionJsonSchema(action)])) as Record<ActionName, Record<string, unknown>>;
  const isRequired = (action: ActionName, name: FieldName) =>
    name === 'connection' || name === 'action' || ((schemas[action].required as string[] | undefined) ?? []).includes(name);

  const fields = (Object.keys(fieldTexts) as FieldName[]).map((name): FieldDescriptor => {
    const visibleFor = actionNames.filter((action) => everyAction.has(name) || (actionFields[action] as readonly string[]).includes(name));
    const requiredFor = visibleFor.filter((action) => isRequired(action, name));
    const fromSchema = schemaDefault(visibleFor.map((action) => schemas[action]), name);
    return { name, ...fieldTexts[name], visibleFor, requiredFor, ...(fromSchema === undefined ? {} : { default: fromSchema }) };
  });

  const descriptor: FormDescriptor = {
    component: 'whatsapp',
    name: { en: 'WhatsApp', ru: 'WhatsApp' },
    description: {
      en: 'Sends messages, files and other data to WhatsApp chats from a business process.',
      ru: 'Отправляет сообщения, медиафайлы и другие данные в чаты WhatsApp прямо из бизнес-процессов.',
    },
    languages: ['en', 'ru'],
    fields,
    actions: actionNames.map((value) => ({
      value,
      ...actionTexts[value],
      fields: [...actionFields[value]],
      required: fields.filter((field) => field.requiredFor.includes(value)).map((field) => field.name),
      schema: schemas[value],
    })),
    boundaryEvents: [
      {
        type: 'error',
        label: { en: 'Error', ru: 'Ошибка' },
        help: { en: 'Leaves the task when anything fails; errorCode is one of the codes.', ru: 'Выход из компонента, если произошла ошибка; errorCode — один из кодов.' },
        codes: [...errorCodes],
      },
      {
        type: 'timeout',
        label: { en: 'Timeout', ru: 'Таймаут' },
        help: { en: 'Leaves the task after its time limit (error code TIMEOUT).', ru: 'Выход из компонента по истечении ограничения времени (код ошибки TIMEOUT).' },
      },
    ],
    waitForReply,
  };
  // Texts and options above are shared module data; a caller may change what it gets.
  return structuredClone(descriptor);
}

/** The default the action schemas give a field (the same in every action that has one). */
function schemaDefault(schemas: Record<string, unknown>[], name: FieldName): unknown {
  for (const schema of schemas) {
    const property = (schema.properties as Record<string, { default?: unknown }> | undefined)?.[name];
    if (property && 'default' in property) return property.default;
  }
  return undefined;
}

/** A descriptor with every text in one language, e.g. for `whatsapp-connector describe --lang ru`. */
export type InLanguage<T> = T extends Localized
  ? string
  : T extends readonly (infer Item)[]
    ? InLanguage<Item>[]
    : T extends object
      ? { [K in keyof T]: InLanguage<T[K]> }
      : T;

/**
 * The descriptor with each `{ en, ru }` text replaced by the one in `language`; the action input
 * schemas are kept as they are.
 *
 * @example inLanguage(formDescriptor(), 'ru').actions[0].label // 'Отправить сообщение'
 */
export function inLanguage(descriptor: FormDescriptor, language: Language): InLanguage<FormDescriptor> {
  const pick = (value: unknown, key?: string): unknown => {
    if (key === 'schema' || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => pick(item));
    if (isLocalized(value)) return value[language];
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, pick(item, name)]));
  };
  return pick(descriptor) as InLanguage<FormDescriptor>;
}

function isLocalized(value: object): value is Localized {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as Partial<Localized>).en === 'string' && typeof (value as Partial<Localized>).ru === 'string';
}
