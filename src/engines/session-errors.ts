import { ConnectorError } from '../domain/errors.js';
import type { SessionState } from './engine.js';

/** The phone unlinked the session (or an admin logged it out): it needs a new link. */
export function loggedOut(sessionId: string): ConnectorError {
  return new ConnectorError('SESSION_LOGGED_OUT', `Session ${sessionId} was logged out; link the phone again`, { sessionId });
}

/** The session exists but cannot act now: linking, stopped, or still reconnecting. */
export function notConnected(sessionId: string, state: SessionState): ConnectorError {
  return new ConnectorError('SESSION_NOT_CONNECTED', `Session ${sessionId} is not connected (it is ${state})`, { sessionId, state });
}
