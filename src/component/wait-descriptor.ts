import type { Localized } from './descriptor.js';

/** A field of the "wait for a reply" task: an attribute of its `<wa:awaitReply>`. */
export interface WaitFieldDescriptor {
  name: 'connection' | 'chat' | 'resultVariable';
  widget: 'connection' | 'expression' | 'variableName';
  label: Localized;
  help: Localized;
  required: boolean;
}

/**
 * The designer's form of the task that waits for the client's next message in a chat: the BPMN
 * elements that may carry it, the extension element the form writes, its fields and its exit for
 * "no answer".
 */
export interface WaitForReplyDescriptor {
  label: Localized;
  help: Localized;
  elements: ('receiveTask' | 'serviceTask')[];
  extensionElement: 'wa:awaitReply';
  fields: WaitFieldDescriptor[];
  boundaryEvents: { type: 'timer'; label: Localized; help: Localized }[];
}

export const waitForReply: WaitForReplyDescriptor = {
  label: { en: 'Wait for a WhatsApp reply', ru: 'Ожидание ответа в WhatsApp' },
  help: {
    en: 'Waits for the client’s next message in the chat and saves it; the process goes on with it. Many processes may wait at once, each for its own client. A waiting process survives a restart of its host.',
    ru: 'Ждёт следующее сообщение клиента в чате и сохраняет его; процесс продолжается с ним. Одновременно могут ждать много процессов, каждый — своего клиента. Ожидающий процесс переживает перезапуск.',
  },
  elements: ['receiveTask', 'serviceTask'],
  extensionElement: 'wa:awaitReply',
  fields: [
    {
      name: 'connection',
      widget: 'connection',
      label: { en: 'Authorization token', ru: 'Авторизационный токен' },
      help: { en: 'The WhatsApp connection whose chat is watched, as in the WhatsApp task.', ru: 'Подключение WhatsApp, чат которого слушается, как в задаче WhatsApp.' },
      required: true,
    },
    {
      name: 'chat',
      widget: 'expression',
      label: { en: 'Chat', ru: 'Диалог' },
      help: {
        en: 'The client’s phone number or the group id, as in the WhatsApp task (e.g. allValues.clientPhone).',
        ru: 'Номер телефона клиента или идентификатор группы, как в задаче WhatsApp (например allValues.clientPhone).',
      },
      required: true,
    },
    {
      name: 'resultVariable',
      widget: 'variableName',
      label: { en: 'Save reply to', ru: 'Сохранить ответ в' },
      help: {
        en: 'The variable that receives the client’s message: its id, sender, time and content (content.text for a text).',
        ru: 'Переменная, в которую записывается сообщение клиента: идентификатор, отправитель, время и содержимое (content.text для текста).',
      },
      required: false,
    },
  ],
  boundaryEvents: [
    {
      type: 'timer',
      label: { en: 'No answer', ru: 'Нет ответа' },
      help: { en: 'A timer boundary event (e.g. PT12H): leaves the task when the client has not answered in time.', ru: 'Пограничное событие-таймер (например PT12H): выход, если клиент не ответил вовремя.' },
    },
  ],
};
