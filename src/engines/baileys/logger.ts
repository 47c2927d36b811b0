import type { ILogger } from 'baileys/lib/Utils/logger.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const levels: Level[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** A logger that says nothing, for an engine nobody listens to. */
export const silentLogger: ILogger = {
  level: 'silent',
  child: () => silentLogger,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * The logger Baileys wants (pino-like), reporting at `level` and above to `write`. Only the
 * message and an error's message pass: Baileys' objects can hold keys and message content, which
 * never belong in a log.
 *
 * @example baileysLogger('warn', (level, message) => app.log[level](message))
 */
export function baileysLogger(level: Level, write: (level: Level, message: string) => void): ILogger {
  const threshold = levels.indexOf(level);
  const logger: ILogger = { ...silentLogger, level, child: () => logger };
  for (const at of levels.slice(threshold)) {
    logger[at] = (obj: unknown, msg?: string) => {
      const text = typeof obj === 'string' ? obj : msg ?? '';
      const error = (obj as { err?: unknown; error?: unknown } | undefined)?.err ?? (obj as { error?: unknown } | undefined)?.error;
      write(at, error instanceof Error ? `${text}: ${error.message}` : text);
    };
  }
  return logger;
}
