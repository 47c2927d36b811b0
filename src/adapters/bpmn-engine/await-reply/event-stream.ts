import type { EngineEvent } from '../../../engines/engine.js';
import type { IncomingMessage } from '../../../domain/incoming.js';
import { readServerSentEvents, type ServerSentEvent } from '../../../service/sse-reader.js';
import type { ReplySource } from './feed.js';

export interface StreamedRepliesOptions {
  /** The connector service, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The connection's token: the stream carries that connection's messages. */
  token: string;
  /** Resume after this event id (one a host saved), so a message written meanwhile is not missed. */
  after?: number;
  /** Pause before reconnecting a stream that broke; 1 s by default. */
  retryMs?: number;
  onError?: (error: unknown) => void;
}

export interface StreamedReplies extends ReplySource {
  /** Resolves once the stream is open (messages from then on are heard). */
  ready(): Promise<void>;
  /** The id of the last event heard, to resume from after a restart. */
  readonly lastEventId: number | undefined;
}

/**
 * Replies for processes that talk to the connector over HTTP: the connection's `message.received`
 * events from `GET /v1/events`, reported under the token (the processes' `connection`). A broken
 * stream is opened again after the last event it delivered, so none is missed or heard twice.
 *
 * @example const replies = new ReplyWaits(); feedReplies(streamedReplies({ baseUrl, token }), replies);
 */
export function streamedReplies(options: StreamedRepliesOptions): StreamedReplies {
  const listeners = new Set<(event: EngineEvent) => void>();
  let lastEventId = options.after;
  let controller: AbortController | undefined;
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));

  const hear = ({ id, event, data }: ServerSentEvent) => {
    if (id !== undefined) lastEventId = Number(id);
    if (event !== 'message.received') return;
    for (const listener of listeners) listener({ type: 'message', sessionId: options.token, message: data.data as IncomingMessage });
  };

  const run = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      try {
        const after = lastEventId === undefined ? '' : `&after=${lastEventId}`;
        const response = await fetch(`${options.baseUrl}/v1/events?types=message.received${after}`, { headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' }, signal });
        if (!response.ok || !response.body) throw new Error(`GET /v1/events answered ${response.status}`);
        opened();
        for await (const event of readServerSentEvents(response.body)) hear(event);
      } catch (error) {
        if (signal.aborted) return;
        options.onError?.(error);
      }
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1_000).unref());
    }
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!controller) {
        controller = new AbortController();
        void run(controller.signal);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          controller?.abort();
          controller = undefined;
        }
      };
    },
    ready: () => open,
    get lastEventId() {
      return lastEventId;
    },
  };
}
