import type { EngineEvent } from '../engines/engine.js';
import type { ConnectorEvent, SessionStateChange } from './schemas.js';

/** A connector event before it has an id and a time, and the chat it belongs to ('' for none). */
export type EventDraft = { chat: string } & (
  | { type: 'message.received'; sessionId: string; data: Extract<ConnectorEvent, { type: 'message.received' }>['data'] }
  | { type: 'message.status'; sessionId: string; data: Omit<Extract<ConnectorEvent, { type: 'message.status' }>['data'], 'timestamp'> }
  | { type: 'session.state'; sessionId: string; data: SessionStateChange }
);

/**
 * What an engine event means to a subscriber, or undefined when it is none of theirs (a QR code,
 * a pairing code, an unreachable WhatsApp that is retried). A session's state is reported when it
 * changes, not each time an engine repeats it.
 */
export class EngineEventMapper {
  private readonly lastState = new Map<string, SessionStateChange['state']>();

  map(event: EngineEvent): EventDraft | undefined {
    switch (event.type) {
      case 'message':
        return { type: 'message.received', sessionId: event.sessionId, chat: event.message.chat, data: event.message };
      case 'receipt': {
        if (event.status === 'pending') return undefined;
        const status = event.played ? 'played' : event.status;
        return { type: 'message.status', sessionId: event.sessionId, chat: event.message.chat, data: { message: event.message, status, ...(event.recipient ? { recipient: event.recipient } : {}) } };
      }
      case 'connected':
        return this.state(event.sessionId, { state: 'connected', jid: event.jid });
      case 'state':
        if (event.state === 'connected') return undefined; // reported by `connected`, which names the account
        return this.state(event.sessionId, { state: stateNames[event.state], ...(event.reason ? { reason: event.reason } : {}) });
      case 'logged-out':
        return this.state(event.sessionId, { state: 'logged-out', reason: event.reason });
      case 'link-failed':
        return this.state(event.sessionId, { state: 'failed', reason: event.reason });
      default:
        return undefined;
    }
  }

  private state(sessionId: string, change: SessionStateChange): EventDraft | undefined {
    if (this.lastState.get(sessionId) === change.state) return undefined;
    this.lastState.set(sessionId, change.state);
    return { type: 'session.state', sessionId, chat: '', data: change };
  }
}

const stateNames = {
  linking: 'linking',
  connected: 'connected',
  reconnecting: 'disconnected',
  stopped: 'disconnected',
  failed: 'failed',
  logged_out: 'logged-out',
} as const satisfies Record<Extract<EngineEvent, { type: 'state' }>['state'], SessionStateChange['state']>;
