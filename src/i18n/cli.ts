import type { Language } from './language.js';

/** Everything the command line says to a person, in one language; the service's JSON log stays English. */
export interface CliTexts {
  usage: string;
  unknownCommand(command: string, suggestion: string | undefined): string;
  unknownOption(option: string, suggestion: string | undefined): string;
  unexpectedArgument(argument: string): string;
  expectedLanguage: string;
  adminKeyGenerated(key: string): string;
  sandboxMode(url: string): string;
  linkedDevices(testServerUrl: string | undefined): string;
  listening(url: string): string;
  adminKeyRotated: string;
  adminKeyConfigured: string;
  failed(reason: string): string;
}

const name = 'whatsapp-connector';

const english: CliTexts = {
  usage: `Usage: ${name} <command> [--lang en|ru]

Commands:
  serve              Run the connector service (configuration from the environment; see README)
  describe           Print the WhatsApp task's form descriptor as JSON
                     (with --lang: its texts in that language only; without: both)
  admin-key rotate   Replace a lost admin key: store a new one and print it once;
                     the old key stops working at once (same environment as serve)
  help               Print this help (also --help, -h)

Options:
  --lang en|ru       Language of these messages (default: from LC_ALL, LC_MESSAGES or LANG)
  --version, -v      Print the version
`,
  unknownCommand: (command, suggestion) => `${name}: unknown command "${command}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ${name} help lists the commands\n`,
  unknownOption: (option, suggestion) => `${name}: unknown option "${option}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ${name} help lists the options\n`,
  unexpectedArgument: (argument) => `${name}: unexpected argument "${argument}"; ${name} help lists the commands\n`,
  expectedLanguage: `${name}: expected --lang en or --lang ru\n`,
  adminKeyGenerated: (key) => `\nAdmin key (generated now, shown once; only its hash is stored):\n\n  ${key}\n\nSet CONNECTOR_ADMIN_KEY to choose your own.\n\n`,
  sandboxMode: (url) => `Sandbox mode: a virtual WhatsApp network, no real messages. Chats: ${url}/sandbox\n`,
  linkedDevices: (testServerUrl) =>
    `Linked devices through Baileys, connecting to ${testServerUrl ? `the test server at ${testServerUrl}` : 'WhatsApp'}. Create a session (POST /v1/sessions) and open its link page to link a phone.\n`,
  listening: (url) => `WhatsApp Connector on ${url} (API docs: ${url}/docs)\n`,
  adminKeyRotated:
    'That is the new admin key, shown once (only its hash is stored). The old key no longer works; a running service takes the new one at once.\n',
  adminKeyConfigured: `${name}: CONNECTOR_ADMIN_KEY is set, and the service uses it instead of a stored key. To change the admin key, change that variable and restart the service.\n`,
  failed: (reason) => `${name}: ${reason}\n`,
};

const russian: CliTexts = {
  usage: `Использование: ${name} <команда> [--lang en|ru]

Команды:
  serve              Запустить сервис коннектора (настройки из переменных окружения; см. README)
  describe           Вывести дескриптор формы задачи WhatsApp в JSON
                     (с --lang — тексты только на этом языке, без него — на обоих)
  admin-key rotate   Заменить утерянный ключ администратора: сохранить новый и показать его
                     один раз; старый ключ сразу перестаёт действовать (окружение то же, что у serve)
  help               Показать эту справку (также --help, -h)

Параметры:
  --lang en|ru       Язык сообщений (по умолчанию — из LC_ALL, LC_MESSAGES или LANG)
  --version, -v      Показать версию
`,
  unknownCommand: (command, suggestion) => `${name}: неизвестная команда «${command}»${suggestion ? ` (может быть, ${suggestion}?)` : ''}; список команд — ${name} help\n`,
  unknownOption: (option, suggestion) => `${name}: неизвестный параметр «${option}»${suggestion ? ` (может быть, ${suggestion}?)` : ''}; список параметров — ${name} help\n`,
  unexpectedArgument: (argument) => `${name}: лишний аргумент «${argument}»; список команд — ${name} help\n`,
  expectedLanguage: `${name}: укажите --lang en или --lang ru\n`,
  adminKeyGenerated: (key) =>
    `\nКлюч администратора (создан сейчас и показан один раз; хранится только его хеш):\n\n  ${key}\n\nЧтобы задать свой, установите CONNECTOR_ADMIN_KEY.\n\n`,
  sandboxMode: (url) => `Режим песочницы: виртуальная сеть WhatsApp, настоящие сообщения не отправляются. Чаты: ${url}/sandbox\n`,
  linkedDevices: (testServerUrl) =>
    `Связанные устройства через Baileys, подключение к ${testServerUrl ? `тестовому серверу ${testServerUrl}` : 'WhatsApp'}. Создайте сессию (POST /v1/sessions) и откройте её страницу привязки, чтобы привязать телефон.\n`,
  listening: (url) => `WhatsApp Connector на ${url} (документация API: ${url}/docs)\n`,
  adminKeyRotated:
    'Это новый ключ администратора, он показан один раз (хранится только его хеш). Старый ключ больше не действует; запущенный сервис сразу принимает новый.\n',
  adminKeyConfigured: `${name}: задана переменная CONNECTOR_ADMIN_KEY, и сервис использует её, а не сохранённый ключ. Чтобы сменить ключ администратора, измените эту переменную и перезапустите сервис.\n`,
  failed: (reason) => `${name}: ${reason}\n`,
};

export const cliTexts: Record<Language, CliTexts> = { en: english, ru: russian };

/**
 * The language a person's locale asks for, by POSIX precedence (LC_ALL, then LC_MESSAGES, then
 * LANG): Russian for `ru…`, English otherwise.
 *
 * @example languageOfLocale({ LANG: 'ru_RU.UTF-8' }) // 'ru'
 */
export function languageOfLocale(env: NodeJS.ProcessEnv): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^ru(?:[_.@-]|$)/i.test(locale) ? 'ru' : 'en';
}
