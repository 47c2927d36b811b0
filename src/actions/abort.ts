import { ConnectorError } from '../domain/errors.js';

/**
 * The error an aborted operation fails with: the signal's reason when it already carries a code
 * (the executor aborts with TIMEOUT), otherwise TIMEOUT, since every abort here is a deadline or a
 * process that stopped waiting.
 */
export function abortError(signal: AbortSignal): ConnectorError {
  const reason: unknown = signal.reason;
  if (reason instanceof ConnectorError) return reason;
  const message = reason instanceof Error ? reason.message : 'The operation was aborted';
  return new ConnectorError('TIMEOUT', message, undefined, { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts; the work itself
 * runs on (its late failure is swallowed, nobody waits for it any more).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
