/** Small helpers for talking to a running service over real HTTP in tests. */
import { readServerSentEvents, type ServerSentEvent } from '../../src/service/sse-reader.js';
import { record } from './contract.js';
import { waitLimitMs } from './eventually.js';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  type: string;
  body: T;
}

export interface Call {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, options: Call = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const parsed: unknown = text && type.includes('json') ? JSON.parse(text) : text;
  record(`${base}${path}`, { method, status: response.status, type, response: parsed, ...(options.raw !== undefined ? { raw: true } : options.body !== undefined ? { body: options.body } : {}) });
  return { status: response.status, type, body: parsed as T };
}

export type SseEvent = ServerSentEvent;

/** Reads a server-sent events stream; `next(name)` waits for the next event of that name. */
export async function openSse(url: string): Promise<{ next(event: string, timeoutMs?: number): Promise<SseEvent>; seen: SseEvent[]; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || !response.body) throw new Error(`stream ${url} answered ${response.status}`);
  const seen: SseEvent[] = [];
  record(url, { method: 'GET', status: response.status, type: response.headers.get('content-type') ?? '', response: undefined, events: seen });
  const waiting: { event: string; resolve(e: SseEvent): void }[] = [];
  let consumed = 0;
  const deliver = () => {
    for (let i = 0; i < waiting.length; ) {
      const waiter = waiting[i]!;
      const index = seen.findIndex((e, at) => at >= consumed && e.event === waiter.event);
      if (index === -1) {
        i++;
        continue;
      }
      consumed = index + 1;
      waiting.splice(i, 1);
      waiter.resolve(seen[index]!);
    }
  };
  void (async () => {
    try {
      for await (const event of readServerSentEvents(response.body as ReadableStream<Uint8Array>)) {
        seen.push(event);
        deliver();
      }
    } catch {
      // closed by the test
    }
  })();
  return {
    seen,
    next(event, timeoutMs = waitLimitMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${event}" event within ${timeoutMs} ms; saw ${seen.map((e) => e.event).join(', ')}`)), timeoutMs);
        waiting.push({ event, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        deliver();
      });
    },
    close: () => controller.abort(),
  };
}
