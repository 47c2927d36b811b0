import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Open event streams, ended when the app closes (they would otherwise hold it open forever). */
    eventStreams: Set<ServerResponse>;
  }
}

/** Lets the app end its event streams when it closes. Register on the root instance. */
export function trackEventStreams(app: FastifyInstance): void {
  app.decorate('eventStreams', new Set<ServerResponse>());
  app.addHook('preClose', async () => {
    for (const res of app.eventStreams) res.end();
  });
}

export interface EventStream {
  /** `id`: the event's place in the stream, which a reconnecting client sends back as Last-Event-ID. */
  send(event: string, data: unknown, id?: string): void;
  /** Resolves when the client goes away. */
  readonly closed: Promise<void>;
}

const heartbeatMs = 15_000;

/**
 * Turns a request into a server-sent events stream. Comments every 15 s keep proxies from closing
 * an idle stream.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  request.untrack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store',
    // The stream is the connection's last response: ending it (at shutdown) frees the socket at once.
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  res.write(': stream open\n\n');
  request.server.eventStreams.add(res);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  const closed = new Promise<void>((resolve) => {
    res.once('close', () => {
      request.server.eventStreams.delete(res);
      clearInterval(heartbeat);
      resolve();
    });
  });
  return {
    send(event, data, id) {
      if (res.writableEnded || res.destroyed) return;
      res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    closed,
  };
}
