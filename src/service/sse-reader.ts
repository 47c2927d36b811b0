/** One event of a `text/event-stream` whose data lines are JSON, as the service's streams send them. */
export interface ServerSentEvent {
  event: string;
  data: Record<string, unknown>;
  /** The event's place in its stream, when the stream gives one (what Last-Event-ID resumes after). */
  id?: string;
}

/**
 * Reads the events of a `text/event-stream` body (the link stream, the sandbox's changes) as they
 * arrive; the client's side of `openEventStream`.
 *
 * @example for await (const { event, data } of readServerSentEvents(response.body)) if (event === 'connected') return data.token;
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = block.match(/^event: ?(.*)$/m)?.[1];
      const data = block.match(/^data: ?(.*)$/m)?.[1];
      const id = block.match(/^id: ?(.*)$/m)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) as Record<string, unknown>, ...(id === undefined ? {} : { id }) };
    }
  }
}
