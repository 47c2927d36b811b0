import type { ServerResponse } from 'node:http';
import { ConnectorError } from '../domain/errors.js';

/** What a request's `Prefer` header (RFC 7240) asks of an action. */
export interface ActionPreference {
  /** `respond-async`: answer 202 once the action is queued durably. */
  respondAsync: boolean;
  /** `wait=N`: the caller waits N seconds at most; an action not confirmed by then is withdrawn. */
  waitSeconds?: number;
}

/**
 * Reads the preferences the action routes honour; others are ignored, as RFC 7240 asks.
 *
 * @example parsePrefer('respond-async, wait=10') // { respondAsync: true, waitSeconds: 10 }
 */
export function parsePrefer(header: string | undefined): ActionPreference {
  const preference: ActionPreference = { respondAsync: false };
  for (const part of (header ?? '').split(',')) {
    const [name = '', value] = part.split(';')[0]!.split('=').map((token) => token.trim().replace(/^"|"$/g, ''));
    if (name.toLowerCase() === 'respond-async') preference.respondAsync = true;
    if (name.toLowerCase() === 'wait') {
      const seconds = Number(value);
      if (!Number.isInteger(seconds) || seconds < 0) throw new ConnectorError('VALIDATION_ERROR', `Prefer: wait=${value ?? ''} is not a whole number of seconds`, { in: 'headers', header: 'prefer' });
      preference.waitSeconds = seconds;
    }
  }
  return preference;
}

/** Aborts when the client closes the connection before its answer was written: nobody waits any more. */
export function callerGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new ConnectorError('TIMEOUT', 'The caller closed the connection before the action ended'));
  });
  return controller.signal;
}
