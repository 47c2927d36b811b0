import type { EventLog, WebhookService } from '../events/index.js';
import { webhookRoutes } from './routes/webhooks.js';
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ConnectorError } from '../domain/errors.js';
import type { WhatsAppEngine } from '../engines/engine.js';
import type { SandboxEngine } from '../engines/sandbox/index.js';
import type { ActionService } from './actions.js';
import type { AdminKeyHash } from './admin-key.js';
import type { LinkHub } from './link-hub.js';
import type { Metrics } from './metrics.js';
import { answerClientError } from './client-errors.js';
import { trackRequests } from './drain.js';
import { documentHead, keepReferencedComponents, markOptionalBodies, withEventWebhooks } from './openapi.js';
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
  adminKeyHash: AdminKeyHash;
  ping(): Promise<void>;
  shutdown: AbortSignal;
  logLevel: string;
  /** Writes the JSON log somewhere else than stdout (tests). */
  logStream?: NodeJS.WritableStream;
  connections: ConnectionLimits;
  /** Webhooks and the event stream (docs/events.md). */
  events: { webhooks: WebhookService; log: EventLog };
}

/** How long a client may take to send a request, and how many connections the service holds (docs/service.md). */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  /** The whole request, headers and body. */
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/** Node checks its request timeouts this often (its default, 30 s, lets a slow client overstay by as much). */
const timeoutCheckMs = 1_000;

/** Secrets never reach the log: bearer tokens, admin keys, tokens in bodies. */
export const redactedPaths = ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'adminKey', 'headers.authorization'];

/** The HTTP app: routes declare zod schemas, which drive validation and the OpenAPI document at once. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: 1024 * 1024,
    // Unique across restarts and nodes, so the id a caller quotes finds one log line.
    genReqId: () => randomUUID(),
    http: { headersTimeout: deps.connections.headersTimeoutMs, connectionsCheckingInterval: timeoutCheckMs },
    requestTimeout: deps.connections.bodyTimeoutMs,
    keepAliveTimeout: deps.connections.keepAliveTimeoutMs,
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => void handleError(error, request, reply),
    // trackRequests answers SHUTTING_DOWN as a problem document instead.
    return503OnClosing: false,
    // One line per request costs more than the action itself at thousands a second; `debug` shows them.
    logController: new LogController({ disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace' }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Answers are checked against the response schemas at compile time (the type provider) and on the
  // wire by the contract test; checking each again here would cost every request and could turn an
  // action that was sent into a 500.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.server.maxConnections = deps.connections.maxConnections;
  app.setErrorHandler(handleError);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  trackEventStreams(app);
  trackRequests(app);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new ConnectorError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)));

  await app.register(swagger, { openapi: documentHead, transform: jsonSchemaTransform, transformObject: (document) => withEventWebhooks(markOptionalBodies(keepReferencedComponents(jsonSchemaTransformObject(document)))) });

  await app.register(healthRoutes, { metrics: deps.metrics, ping: deps.ping });
  await app.register(docsRoutes);
  await app.register(webRoutes, { home: deps.engine.kind === 'sandbox' ? '/sandbox' : '/docs' });
  await app.register(sessionRoutes, { sessions: deps.sessions, hub: deps.hub, engine: deps.engine, adminKeyHash: deps.adminKeyHash });
  await app.register(webhookRoutes, { ...deps.events, sessions: deps.sessions, adminKeyHash: deps.adminKeyHash });
  await app.register(actionRoutes, { actions: deps.actions, sessions: deps.sessions, engine: deps.engine, shutdown: deps.shutdown });
  // Registered under every engine, so one document serves all: elsewhere they answer NOT_FOUND.
  await app.register(sandboxRoutes, { engine: deps.engine.kind === 'sandbox' ? (deps.engine as SandboxEngine) : undefined });
  return app;
}
