import { actionJsonSchema, actionNames, type ActionName } from '../domain/actions.js';
import { errorCodes, type ErrorCode } from '../domain/errors.js';
import { actionFields } from './evaluate-properties.js';
import { defaultTimeoutMs, maxTimeoutMs } from './properties.js';

/** Help text in the languages the designer shows. */
export interface Localized {
  en: string;
  ru: string;
}

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
  /** The actions the field shows for; every action when absent. */
  visibleFor?: ActionName[];
  /** The actions it is required for. */
  requiredFor: ActionName[];
  default?: unknown;
  options?: { value: string; label: Localized }[];
  minimum?: number;
  maximum?: number;
}

export interface FormDescriptor {
  component: 'whatsapp';
  name: Localized;
  description: Localized;
  fields: FieldDescriptor[];
  actions: { value: ActionName; label: Localized; fields: readonly string[]; schema: Record<string, unknown> }[];
  boundaryEvents: { type: 'error' | 'timeout'; label: Localized; help: Localized; codes?: ErrorCode[] }[];
}

const actionLabels: Record<ActionName, Localized> = {
  sendMessage: { en: 'Send message', ru: 'Отправить сообщение' },
  sendLocation: { en: 'Send location', ru: 'Отправить геолокацию' },
  sendContact: { en: 'Send contact', ru: 'Отправить контакт' },
  sendReaction: { en: 'Send reaction to a message', ru: 'Отправить реакцию на сообщение' },
  forwardMessage: { en: 'Forward message', ru: 'Переслать сообщение' },
  editMessage: { en: 'Edit message', ru: 'Изменить сообщение' },
  deleteMessage: { en: 'Delete message', ru: 'Удалить сообщение' },
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
    options: actionNames.map((value) => ({ value, label: actionLabels[value] })),
  },
  chat: {
    widget: 'expression',
    section: 'parameters',
    label: { en: 'Chat', ru: 'Диалог' },
    help: {
      en: 'A phone number in international format (+79001234567) or a group id (…@g.us), written out or as an expression such as allValues.clientPhone. Forward takes one chat or a list of up to 5.',
      ru: 'Номер телефона в международном формате (+79001234567) или идентификатор группы (…@g.us), напрямую или выражением, например allValues.clientPhone. Для пересылки — один диалог или список до 5.',
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
    default: 'media',
    options: [
      { value: 'media', label: { en: 'Media', ru: 'Медиа' } },
      { value: 'document', label: { en: 'Document', ru: 'Документ' } },
    ],
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
      en: 'The message to act on: the variable an earlier WhatsApp task saved its result in (e.g. variables.reminder), or { chat, id }.',
      ru: 'Сообщение, над которым выполняется действие: переменная с результатом предыдущей задачи WhatsApp (например variables.reminder) или { chat, id }.',
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
    default: true,
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

/**
 * A JSON description of the task for a process designer's form, in English and Russian, derived
 * from the same action schemas that validate a run: which fields show for which action, which
 * are required, defaults, help texts, and the boundary events with the error codes.
 */
export function formDescriptor(): FormDescriptor {
  const schemas = Object.fromEntries(actionNames.map((action) => [action, actionJsonSchema(action)])) as Record<ActionName, Record<string, unknown>>;
  const requiredIn = (action: ActionName) => new Set(((schemas[action].required as string[] | undefined) ?? []));
  const fields = (Object.keys(fieldTexts) as FieldName[]).map((name): FieldDescriptor => {
    const always = name === 'connection' || name === 'action' || name === 'resultVariable' || name === 'timeoutMs';
    const visibleFor = always ? undefined : actionNames.filter((action) => (actionFields[action] as readonly string[]).includes(name));
    const requiredFor = name === 'connection' || name === 'action' ? [...actionNames] : (visibleFor ?? []).filter((action) => requiredIn(action).has(name));
    return { name, ...fieldTexts[name], ...(visibleFor ? { visibleFor } : {}), requiredFor };
  });
  return {
    component: 'whatsapp',
    name: { en: 'WhatsApp', ru: 'WhatsApp' },
    description: {
      en: 'Sends messages, files and other data to WhatsApp chats from a business process.',
      ru: 'Отправляет сообщения, медиафайлы и другие данные в чаты WhatsApp прямо из бизнес-процессов.',
    },
    fields,
    actions: actionNames.map((value) => ({ value, label: actionLabels[value], fields: actionFields[value], schema: schemas[value] })),
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
  };
}
