import type { EngineEvent } from '../../../engines/engine.js';
import type { IncomingMessage } from '../../../domain/incoming.js';
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

  const hear = (id: string | undefined, data: string) => {
    const event = JSON.parse(data) as { type: string; data: IncomingMessage };
    if (id !== undefined) lastEventId = Number(id);
    if (event.type !== 'message.received') return;
    for (const listener of listeners) listener({ type: 'message', sessionId: options.token, message: event.data });
  };

  const run = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      try {
        const after = lastEventId === undefined ? '' : `&after=${lastEventId}`;
        const response = await fetch(`${options.baseUrl}/v1/events?types=message.received${after}`, { headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' }, signal });
        if (!response.ok || !response.body) throw new Error(`GET /v1/events answered ${response.status}`);
        opened();
        await readEvents(response.body, hear);
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

/** Reads server-sent events until the stream ends: each event's `id` and `data`. */
async function readEvents(body: ReadableStream<Uint8Array>, hear: (id: string | undefined, data: string) => void): Promise<void> {
  let buffer = '';
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) hear(id, data.join('\n'));
    }
  }
}
