import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ConnectorError } from '../domain/errors.js';
import type { WhatsAppEngine } from '../engines/engine.js';
import type { SandboxEngine } from '../engines/sandbox/index.js';
import type { ActionService } from './actions.js';
import type { LinkHub } from './link-hub.js';
import type { Metrics } from './metrics.js';
import { handleError, sendProblem } from './problem.js';
import { actionRoutes } from './routes/actions.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { sandboxRoutes } from './routes/sandbox.js';
import { sessionRoutes } from './routes/sessions.js';
import { trackEventStreams } from './sse.js';
import { webRoutes } from './routes/web.js';
import type { SessionService } from './sessions.js';

export interface AppDependencies {
  engine: WhatsAppEngine;
  sessions: SessionService;
  actions: ActionService;
  hub: LinkHub;
  metrics: Metrics;
  adminKeyHash: string;
  ping(): Promise<void>;
  shutdown: AbortSignal;
  logLevel: string;
  /** Writes the JSON log somewhere else than stdout (tests). */
  logStream?: NodeJS.WritableStream;
}

/** Secrets never reach the log: bearer tokens, admin keys, tokens in bodies. */
export const redactedPaths = ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'adminKey', 'headers.authorization'];

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
 * connection, instead of waiting for idle clients' keep-alive timeouts.
 */
function trackRequests(app: FastifyInstance): void {
  let active = 0;
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
  app.addHook('onRequest', (request, _reply, done) => {
    counted.add(request);
    active += 1;
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    finish(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    finish(request);
    done();
  });
  app.addHook('onClose', async () => {
    waiters = [];
  });
}

/** The HTTP app: routes declare zod schemas, which drive validation and the OpenAPI document at once. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: 1024 * 1024,
    // One line per request costs more than the action itself at thousands a second; `debug` shows them.
    logController: new LogController({ disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace' }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  trackEventStreams(app);
  trackRequests(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new ConnectorError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`), request.url),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'WhatsApp Connector',
        version: '1',
        description: 'Link WhatsApp accounts as devices and act on them from business processes. Errors are application/problem+json with a stable `code`.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Admin key (admin routes) or connection token (actions)' } } },
    },
    transform: jsonSchemaTransform,
  });

  await app.register(healthRoutes, { metrics: deps.metrics, ping: deps.ping });
  await app.register(docsRoutes);
  await app.register(webRoutes);
  await app.register(sessionRoutes, { sessions: deps.sessions, hub: deps.hub, engine: deps.engine, adminKeyHash: deps.adminKeyHash });
  await app.register(actionRoutes, { actions: deps.actions, sessions: deps.sessions, shutdown: deps.shutdown });
  if (deps.engine.kind === 'sandbox') await app.register(sandboxRoutes, { engine: deps.engine as SandboxEngine });
  return app;
}
