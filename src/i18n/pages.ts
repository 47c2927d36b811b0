import type { Localized } from '../component/descriptor.js';
import type { ErrorCode } from '../domain/errors.js';
import type { Language } from './language.js';

/**
 * Every text of the link page and the sandbox page, in English and Russian. `{name}` is filled in
 * by the page; `**word**` is bold, in the page's HTML only (scripts set texts as plain text).
 */
const pageTexts = {
  // Both pages
  'page.serviceAnswered': { en: 'The service answered {status}.', ru: 'Сервис ответил кодом {status}.' },

  // The link page
  'link.title': { en: 'Link WhatsApp', ru: 'Привязка WhatsApp' },
  'link.connecting': { en: 'Connecting to the service…', ru: 'Подключение к сервису…' },
  'link.scanTitle': { en: 'Scan the QR code', ru: 'Отсканируйте QR-код' },
  'link.step.open': { en: 'Open **WhatsApp** on your phone', ru: 'Откройте **WhatsApp** на телефоне' },
  'link.step.settings': { en: 'Go to **Settings**', ru: 'Откройте **Настройки**' },
  'link.step.linkedDevices': { en: 'Tap **Linked devices**, then **Link a device**', ru: 'Нажмите **Связанные устройства**, затем **Привязка устройства**' },
  'link.step.point': { en: 'Point your phone at this screen to scan the code', ru: 'Наведите камеру телефона на этот экран, чтобы отсканировать код' },
  'link.usePhone': { en: 'Link with phone number instead', ru: 'Привязать по номеру телефона' },
  'link.useQr': { en: 'Link with QR code instead', ru: 'Привязать по QR-коду' },
  'link.phoneLabel': { en: 'Your WhatsApp phone number', ru: 'Ваш номер телефона в WhatsApp' },
  'link.getCode': { en: 'Get code', ru: 'Получить код' },
  'link.phoneStep.open': {
    en: 'On your phone open **WhatsApp** → **Settings** → **Linked devices**',
    ru: 'На телефоне откройте **WhatsApp** → **Настройки** → **Связанные устройства**',
  },
  'link.phoneStep.link': {
    en: 'Tap **Link a device**, then **Link with phone number instead**',
    ru: 'Нажмите **Привязка устройства**, затем **Привязать по номеру телефона**',
  },
  'link.phoneStep.type': { en: 'Type the code shown here', ru: 'Введите код, показанный здесь' },
  'link.qrAlt': { en: 'QR code', ru: 'QR-код' },
  'link.preparingQr': { en: 'Preparing the QR code…', ru: 'Готовим QR-код…' },
  'link.waitingForWhatsApp': { en: 'Waiting for WhatsApp…', ru: 'Ждём связи с WhatsApp…' },
  'link.newCodeIn': { en: 'A new code in {seconds} s', ru: 'Новый код через {seconds} с' },
  'link.gettingNewCode': { en: 'Getting a new code…', ru: 'Получаем новый код…' },
  'link.unreachable': { en: 'Cannot reach WhatsApp ({reason}), retrying in {seconds} s', ru: 'Нет связи с WhatsApp ({reason}), повтор через {seconds} с' },
  'link.unreachableRetrying': { en: 'Cannot reach WhatsApp ({reason}), retrying…', ru: 'Нет связи с WhatsApp ({reason}), пробуем снова…' },
  'link.pairingPrompt': { en: 'Enter your number to get a code', ru: 'Введите номер, чтобы получить код' },
  'link.pairingShown': { en: 'Enter this code on your phone', ru: 'Введите этот код на телефоне' },
  'link.phoneMissing': {
    en: 'Enter the phone number of your WhatsApp account, e.g. +7 900 123-45-67.',
    ru: 'Введите номер телефона вашего аккаунта WhatsApp, например +7 900 123-45-67.',
  },
  'link.offline': {
    en: 'Could not reach the service. Check your connection and try again.',
    ru: 'Не удалось связаться с сервисом. Проверьте подключение и попробуйте снова.',
  },
  'link.linkedTo': { en: 'Linked to', ru: 'Привязан номер' },
  'link.linkedNote': { en: 'This device is linked. You can put your phone away.', ru: 'Устройство привязано. Телефон можно убрать.' },
  'link.reconnectingNote': {
    en: 'The link is kept; the service is reconnecting to WhatsApp.',
    ru: 'Привязка сохранена; сервис заново подключается к WhatsApp.',
  },
  'link.tokenTitle': { en: 'API token for this phone', ru: 'API-токен для этого телефона' },
  'link.tokenWarning': { en: 'Shown once — store it now. It will not be shown again.', ru: 'Показывается один раз — сохраните его сейчас. Больше его не покажут.' },
  'link.tokenHidden': { en: 'The token was already shown. Ask an administrator for a new one.', ru: 'Токен уже был показан. Попросите администратора выдать новый.' },
  'link.copy': { en: 'Copy', ru: 'Копировать' },
  'link.copied': { en: 'Copied', ru: 'Скопировано' },
  'link.selectAndCopy': { en: 'Select and copy', ru: 'Выделите и скопируйте' },
  'link.failedTitle': { en: 'Linking failed', ru: 'Привязать не удалось' },
  'link.failedText': { en: 'Linking did not complete.', ru: 'Привязка не завершилась.' },
  'link.failed.qr-timeout': { en: 'Nobody scanned the QR code in time.', ru: 'QR-код не отсканировали вовремя.' },
  'link.failed.pairing-timeout': { en: 'The pairing code was not entered in time.', ru: 'Код привязки не ввели вовремя.' },
  'link.reason': { en: 'Reason:', ru: 'Причина:' },
  'link.retryHint': { en: 'Try again: ask for linking to be restarted, then', ru: 'Чтобы попробовать снова, попросите перезапустить привязку и нажмите' },
  'link.reload': { en: 'Reload', ru: 'Обновить' },
  'link.endedTitle': { en: 'Session ended', ru: 'Сеанс завершён' },
  'link.stoppedTitle': { en: 'Session stopped', ru: 'Сеанс остановлен' },
  'link.stoppedText': {
    en: 'This session is not linking right now. Ask an administrator to start it again.',
    ru: 'Сейчас этот сеанс не привязывается. Попросите администратора запустить его снова.',
  },
  'link.loggedOutTitle': { en: 'Logged out', ru: 'Выход выполнен' },
  'link.loggedOutText': {
    en: 'This device was removed from the phone or logged out. Ask an administrator for a new link.',
    ru: 'Устройство отвязали на телефоне или из него вышли. Попросите у администратора новую ссылку.',
  },
  'link.brokenTitle': { en: 'This link does not work', ru: 'Эта ссылка не работает' },
  'link.brokenText': { en: '{reason} Ask an administrator for a new link.', ru: '{reason} Попросите у администратора новую ссылку.' },
  'link.noSession': { en: 'This link has no session in it.', ru: 'В этой ссылке нет сеанса.' },
  'link.streamLost': { en: 'Connection lost — reconnecting…', ru: 'Связь потеряна — переподключаемся…' },
  'link.session': { en: 'Session', ru: 'Сеанс' },
  'link.state.linking': { en: 'Waiting for your phone', ru: 'Ждём ваш телефон' },
  'link.state.connected': { en: 'Linked', ru: 'Привязано' },
  'link.state.reconnecting': { en: 'Linked — reconnecting to WhatsApp…', ru: 'Привязано — переподключение к WhatsApp…' },
  'link.state.stopped': { en: 'Stopped', ru: 'Остановлен' },
  'link.state.logged_out': { en: 'Logged out', ru: 'Выход выполнен' },
  'link.state.failed': { en: 'Linking failed', ru: 'Привязать не удалось' },
  'link.state.unavailable': { en: 'Unavailable', ru: 'Недоступно' },

  // The sandbox page
  'sandbox.title': { en: 'Sandbox — WhatsApp Connector', ru: 'Песочница — WhatsApp Connector' },
  'sandbox.heading': { en: 'Sandbox', ru: 'Песочница' },
  'sandbox.chats': { en: 'Chats', ru: 'Чаты' },
  'sandbox.note': { en: 'Every chat of the virtual network', ru: 'Все чаты виртуальной сети' },
  'sandbox.connecting': { en: 'Connecting…', ru: 'Подключение…' },
  'sandbox.live': { en: 'Live', ru: 'Онлайн' },
  'sandbox.reconnecting': { en: 'Reconnecting…', ru: 'Переподключение…' },
  'sandbox.notLive': { en: 'Not live — reload the page', ru: 'Нет связи — обновите страницу' },
  'sandbox.noChats': {
    en: 'No chats yet. Send a message through the API and it appears here.',
    ru: 'Чатов пока нет. Отправьте сообщение через API — оно появится здесь.',
  },
  'sandbox.replyAs': { en: 'Write as', ru: 'Написать от имени' },
  'sandbox.replyPlaceholder': { en: 'A client’s reply', ru: 'Ответ клиента' },
  'sandbox.replySend': { en: 'Send', ru: 'Отправить' },
  'sandbox.replyFailed': { en: 'Not sent: {error}', ru: 'Не отправлено: {error}' },
  'sandbox.noSelection': { en: 'Select a chat to read it.', ru: 'Выберите чат, чтобы прочитать его.' },
  'sandbox.back': { en: 'Chats', ru: 'Чаты' },
  'sandbox.chatsFailed': { en: 'Could not load the chats: {error}', ru: 'Не удалось загрузить чаты: {error}' },
  'sandbox.messagesFailed': { en: 'Could not load the messages: {error}', ru: 'Не удалось загрузить сообщения: {error}' },
  'sandbox.messageCount': { en: 'Messages: {count}', ru: 'Сообщений: {count}' },
  'sandbox.noMessages': { en: 'No messages', ru: 'Нет сообщений' },
  'sandbox.emptyChat': { en: 'No messages in this chat yet.', ru: 'В этом чате пока нет сообщений.' },
  'sandbox.forwarded': { en: 'Forwarded', ru: 'Пересланное сообщение' },
  'sandbox.forwardedMany': { en: 'Forwarded many times', ru: 'Пересылалось много раз' },
  'sandbox.deleted': { en: 'This message was deleted', ru: 'Это сообщение удалено' },
  'sandbox.edited': { en: 'edited', ru: 'изменено' },
  'sandbox.status.pending': { en: 'Sending', ru: 'Отправляется' },
  'sandbox.status.sent': { en: 'Sent', ru: 'Отправлено' },
  'sandbox.status.delivered': { en: 'Delivered', ru: 'Доставлено' },
  'sandbox.status.read': { en: 'Read', ru: 'Прочитано' },
  'sandbox.today': { en: 'Today', ru: 'Сегодня' },
  'sandbox.unknownSize': { en: 'unknown size', ru: 'размер неизвестен' },
  'sandbox.units': { en: 'B KB MB GB', ru: 'Б КБ МБ ГБ' },
  'sandbox.kind.image': { en: 'Photo', ru: 'Фото' },
  'sandbox.kind.video': { en: 'Video', ru: 'Видео' },
  'sandbox.kind.audio': { en: 'Audio', ru: 'Аудио' },
  'sandbox.kind.document': { en: 'Document', ru: 'Документ' },
  'sandbox.kind.location': { en: 'Location', ru: 'Место' },
  'sandbox.kind.contact': { en: 'Contact', ru: 'Контакт' },
} satisfies Record<string, Localized>;

/**
 * The errors a link page can meet (the link stream refused, a pairing code refused), in words a
 * person understands; the page shows the service's own detail for any other code.
 */
const errorTexts = {
  WHATSAPP_UNREACHABLE: {
    en: 'WhatsApp cannot be reached right now; the service keeps trying. Try again in a minute.',
    ru: 'Сейчас нет связи с WhatsApp; сервис продолжает попытки. Попробуйте через минуту.',
  },
  RATE_LIMITED: { en: 'Too many requests at once. Wait a minute and try again.', ru: 'Слишком много запросов сразу. Подождите минуту и попробуйте снова.' },
  SESSION_NOT_FOUND: { en: 'There is no such session: the link is wrong or the session was deleted.', ru: 'Такого сеанса нет: ссылка неверна или сеанс удалён.' },
  SESSION_LOGGED_OUT: { en: 'This session was logged out.', ru: 'Из этого сеанса вышли.' },
  SESSION_NOT_CONNECTED: { en: 'The session is not ready to link right now.', ru: 'Сеанс сейчас не готов к привязке.' },
  SESSION_OTHER_ENGINE: { en: 'This session belongs to another WhatsApp engine of the service.', ru: 'Этот сеанс принадлежит другому движку WhatsApp в сервисе.' },
  VALIDATION_ERROR: {
    en: 'The service did not accept the request. Check the number (e.g. +7 900 123-45-67) and try again.',
    ru: 'Сервис не принял запрос. Проверьте номер (например, +7 900 123-45-67) и попробуйте снова.',
  },
  ENGINE_ERROR: { en: 'WhatsApp did not give a code. Try again.', ru: 'WhatsApp не выдал код. Попробуйте снова.' },
  TIMEOUT: { en: 'WhatsApp did not answer in time. Try again.', ru: 'WhatsApp не ответил вовремя. Попробуйте снова.' },
  SHUTTING_DOWN: { en: 'The service is restarting. Try again in a minute.', ru: 'Сервис перезапускается. Попробуйте через минуту.' },
  INTERNAL: { en: 'Something went wrong in the service. Try again later.', ru: 'В сервисе что-то пошло не так. Попробуйте позже.' },
  NOT_FOUND: { en: 'The service does not know this address.', ru: 'Сервис не знает такого адреса.' },
} satisfies Partial<Record<ErrorCode, Localized>>;

export type PageTextId = keyof typeof pageTexts | `error.${keyof typeof errorTexts}`;

/** Every page text in one language, keyed by id: what a page embeds. */
export type PageCatalogue = Record<PageTextId, string>;

/**
 * The texts of the pages in `language`.
 *
 * @example pageCatalogue('ru')['link.title'] // 'Привязка WhatsApp'
 */
export function pageCatalogue(language: Language): PageCatalogue {
  const entries = [
    ...Object.entries(pageTexts).map(([id, text]) => [id, text[language]]),
    ...Object.entries(errorTexts).map(([code, text]) => [`error.${code}`, text[language]]),
  ];
  return Object.fromEntries(entries) as PageCatalogue;
}
