import type { FastifyInstance } from 'fastify';
import { ConnectorError } from '../domain/errors.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves when no request is being answered (event streams do not count). */
    requestsSettled(): Promise<void>;
  }
  interface FastifyRequest {
    /** Takes the request out of the in-flight count (an event stream, which never finishes). */
    untrack(): void;
  }
}

/**
 * Counts requests being answered, so closing can wait for exactly those and then drop every
 * connection, instead of waiting for idle clients' keep-alive timeouts. Requests that arrive on an
 * open connection once closing has begun are answered SHUTTING_DOWN (503) at once.
 */
export function trackRequests(app: FastifyInstance): void {
  let active = 0;
  let closing = false;
  let waiters: (() => void)[] = [];
  const counted = new WeakSet<object>();
  const finish = (request: object) => {
    if (!counted.delete(request)) return;
    active -= 1;
    if (active === 0) for (const wake of waiters.splice(0)) wake();
  };
  app.decorateRequest('untrack', function (this: object) {
    finish(this);
  });
  app.decorate('requestsSettled', () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))));
  // Callback hooks: an async hook costs every request a promise and a turn of the microtask queue.
  app.addHook('onRequest', (request, reply, done) => {
    counted.add(request);
    active += 1;
    // Answering in a callback hook ends the chain there: the route's auth and handler do not run.
    if (closing) sendProblem(reply.header('connection', 'close'), new ConnectorError('SHUTTING_DOWN', 'The service is shutting down; send the request again'));
    else done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    finish(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    finish(request);
    done();
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onClose', async () => {
    waiters = [];
  });
}

export interface DrainOptions {
  /** How long requests in flight may take to finish. */
  graceMs: number;
  /** Called when the grace is over: abort what is still running, so it answers. */
  onGraceOver(): void;
  /** After the grace, how long the aborted requests get to send their answers. */
  answerMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Closes the app: stops listening, lets requests in flight finish within the grace, then drops
 * every connection — also those whose client never finished sending a request, which would hold
 * the server open for ever. Resolves at most `graceMs + answerMs` (and the app's close hooks) later.
 */
export async function drainAndClose(app: FastifyInstance, { graceMs, onGraceOver, answerMs = 500 }: DrainOptions): Promise<void> {
  const closed = app.close();
  const settled = app.requestsSettled();
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    graceTimer = setTimeout(resolve, graceMs);
  }).then(() => {
    onGraceOver();
    return Promise.race([settled, sleep(answerMs)]);
  });
  try {
    await Promise.race([settled, graceOver]);
  } finally {
    clearTimeout(graceTimer);
  }
  // What is left are idle keep-alives, ended event streams, and clients that stopped mid-request.
  app.server.closeAllConnections();
  await closed;
}
