import type { Agent } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { ActionRunner } from '../actions/runner.js';
import type { ClusterNode } from '../cluster/index.js';
import { ByteBudget } from '../attachments/index.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { ConnectorError } from '../domain/errors.js';
import { BaileysEngine, baileysLogger, storedArchive, trustRootKey } from '../engines/baileys/index.js';
import type { WhatsAppEngine } from '../engines/engine.js';
import { SandboxEngine, SandboxNetwork } from '../engines/sandbox/index.js';
import { systemLookup } from '../attachments/resolve-target.js';
import { defaultRetrySchedule, EventLog, WebhookService, WebhookWorker } from '../events/index.js';
import { openDatabase, type Store } from '../store/index.js';
import { ActionLogWriter } from './action-log-writer.js';
import { ActionService } from './actions.js';
import { resolveAdminKey } from './admin-key.js';
import { buildApp } from './app.js';
import { defaultConfig, type ServiceConfig } from './config.js';
import { encryptedCredentials } from './credentials.js';
import { drainAndClose } from './drain.js';
import { LinkHub } from './link-hub.js';
import { createMetrics } from './metrics.js';
import { loadSecretKey } from './secrets.js';
import { SessionService } from './sessions.js';
import { claimNew, clusterNode } from './cluster-mode.js';

export interface StartOptions {
  /** Over the defaults (not the environment; the CLI reads that). */
  config?: Partial<ServiceConfig>;
  clock?: Clock;
  /** The sandbox's virtual network; a new open one by default. */
  network?: SandboxNetwork;
  logStream?: NodeJS.WritableStream;
  /** Baileys: trusts a staging media host's certificate for uploads. */
  fetchAgent?: Agent;
}

export interface RunningService {
  /** Where the service listens, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The admin key when it was configured or has just been generated; never read back from the store. */
  adminKey: string | undefined;
  /** True when this start generated the admin key (it is shown once). */
  adminKeyGenerated: boolean;
  config: ServiceConfig;
  engine: WhatsAppEngine;
  /** The sandbox engine, when the service runs one (`CONNECTOR_ENGINE=sandbox`). */
  sandbox: SandboxEngine | undefined;
  store: Store;
  /** Performs the actions; its queue holds what waits to be sent. */
  runner: ActionRunner;
  /** This node of the cluster, in cluster mode (`REDIS_URL`). */
  cluster: ClusterNode | undefined;
  app: FastifyInstance;
  /** Sessions reconnected or resumed at start. */
  restoredSessions: number;
  /** Stops taking requests, lets in-flight actions finish (or aborts them after the grace period), closes the store. */
  close(): Promise<void>;
}

/**
 * Starts the connector service: store, engine, token service and action API.
 *
 * @example const service = await startService({ config: { port: 0, databaseUrl: 'sqlite::memory:' } });
 */
export async function startService(options: StartOptions = {}): Promise<RunningService> {
  const config: ServiceConfig = { ...defaultConfig, ...options.config };
  const clock = options.clock ?? systemClock;

  const store = await openDatabase(config.databaseUrl, { dataDir: config.dataDir, clock });
  // What a failed start must undo besides the store, newest first (a port in use, a broken session).
  const undo: (() => unknown)[] = [];
  try {
    const secretKey = await loadSecretKey(config.dataDir, config.secretKey);
    const admin = await resolveAdminKey(store, config.adminKey);
    // Parts built before the app report to its logger once it exists.
    const reportTo: { log?: FastifyInstance['log'] } = {};
    const credentials = encryptedCredentials(store, secretKey);
    const sandbox = config.engine === 'sandbox' ? new SandboxEngine({ network: options.network ?? new SandboxNetwork({ clock, openRegistration: true }), clock, credentials }) : undefined;
    const engine: WhatsAppEngine =
      sandbox ??
      new BaileysEngine({
        credentials,
        archive: storedArchive(store.engineMessages),
        clock,
        ...(config.waUrl ? { url: config.waUrl } : {}),
        ...(options.fetchAgent ? { fetchAgent: options.fetchAgent } : {}),
        logger: baileysLogger('warn', (level, message) => reportTo.log?.[level]({ engine: 'baileys' }, message)),
        pace: { intervalMs: config.sendIntervalMs, maxQueued: config.sendQueueLimit },
        reconnectWaitMs: config.reconnectWaitMs,
        ackTimeoutMs: config.ackTimeoutMs,
        ...(config.qrTimeoutMs ? { qrTimeoutMs: config.qrTimeoutMs } : {}),
      });
    undo.unshift(() => engine.close());
    const untrustRoot = config.waRootKey ? trustRootKey(config.waRootKey) : undefined;
    if (untrustRoot) undo.unshift(untrustRoot);
    const attachments = {
      allowPrivateAddresses: config.allowPrivateUrls,
      requestMaxBytes: config.attachmentsRequestMaxBytes,
      budget: new ByteBudget(config.attachmentsProcessMaxBytes),
      ...(config.attachmentsDir ? { directory: config.attachmentsDir } : {}),
    };
    const events = eventsPart(config, store, engine, clock, secretKey, reportTo);
    undo.unshift(() => events.close());
    const shutdown = new AbortController();
    const cluster: ClusterNode | undefined = config.redisUrl ? clusterNode(config, store, engine, () => runner, reportTo) : undefined;
    const runner: ActionRunner = new ActionRunner({
      engine,
      clock,
      idempotency: store.idempotency,
      outbox: store.outbox,
      maxQueuedPerSession: config.sendQueueLimit,
      stop: shutdown.signal,
      attachments,
      ...(cluster ? { owner: cluster.owner } : {}),
      onSettled: (entry, outcome) => events.log.recordSettled(entry, outcome),
    });

    let publicUrl = config.publicUrl ?? '';
    const sessions = new SessionService({
      store,
      engine,
      clock,
      linkUrl: (id) => `${publicUrl}/link/${id}`,
      maxLinking: config.maxLinking,
      ...(cluster ? { startNew: (id: string) => claimNew(cluster, id), owners: (ids: string[]) => cluster.ownerOf(ids) } : {}),
    });
    const metrics = createMetrics(async () => (await store.sessions.list()).map((row) => row.state));
    const actionLog = new ActionLogWriter(store, (error) => reportTo.log?.error({ err: error }, 'action log not written'));
    const actions = new ActionService({ runner, store, clock, metrics, actionLog, unavailable: sessions.unavailable });
    const hub = new LinkHub({
      engine,
      clock,
      onEngineEvent: (event) => sessions.record(event),
      issueToken: (sessionId) => sessions.issueToken(sessionId),
      onError: (error, event) => reportTo.log?.error({ err: error, event: event.type, sessionId: event.sessionId }, 'engine event not recorded'),
    });

    const app = await buildApp({
      engine,
      sessions,
      actions,
      hub,
      metrics,
      adminKeyHash: admin.hash,
      ping: () => store.ping(),
      shutdown: shutdown.signal,
      logLevel: config.logLevel,
      connections: config,
      events: { webhooks: events.webhooks, log: events.log },
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    reportTo.log = app.log;
    undo.unshift(() => app.close());
    if (untrustRoot) {
      app.log.warn(
        { waUrl: config.waUrl },
        'CONNECTOR_WA_ROOT_KEY is set: this service trusts a TEST server instead of WhatsApp. Every message it sends is readable by that server. Never run it like this with a real phone.',
      );
    }
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
    if (!config.publicUrl) publicUrl = url;
    // In a cluster the leases decide which node starts which session; alone, this node starts them all.
    const restore = cluster ? { restored: 0, otherEngine: [], failed: [] } : await sessions.restoreAll();
    if (cluster) {
      await cluster.start();
      undo.unshift(() => cluster.close());
    }
    const restoredSessions = restore.restored;
    if (restore.otherEngine.length > 0) {
      const named = restore.otherEngine.map(({ sessionId, engine: owner }) => `${sessionId} (${owner})`).join(', ');
      app.log.warn({ sessions: restore.otherEngine }, `Not started, linked by another engine than ${engine.kind}: ${named}; start with that CONNECTOR_ENGINE to use them`);
    }
    for (const { sessionId, reason } of restore.failed) app.log.error({ sessionId, reason }, `Session ${sessionId} failed to start: ${reason}`);
    await hub.settled();
    // Accepted before a crash or a stop and not yet sent: sent now, each once, in order.
    const queued = cluster ? 0 : await runner.recover();
    // Deliveries left pending by the last run (a crash, a stop) go out now, then every new event's.
    events.worker.start();
    app.log.info({ url, engine: engine.kind, database: store.dialect, restoredSessions, queued }, 'whatsapp-connector listening');

    let closing: Promise<void> | undefined;
    return {
      url,
      adminKey: config.adminKey ?? admin.generated,
      adminKeyGenerated: admin.generated !== undefined,
      config,
      engine,
      sandbox,
      store,
      runner,
      cluster,
      app,
      restoredSessions,
      close: () => {
        closing ??= (async () => {
          await drainAndClose(app, {
            graceMs: config.shutdownGraceMs,
            onGraceOver: () => shutdown.abort(new ConnectorError('SHUTTING_DOWN', 'The service is shutting down')),
          });
          // What still waits stays in the outbox for the next start; the lanes only empty out.
          shutdown.abort(new ConnectorError('SHUTTING_DOWN', 'The service is shutting down'));
          await runner.idle();
          // The sockets close and the leases go, so other nodes take the sessions at once.
          await cluster?.close();
          await actionLog.flush();
          await hub.settled();
          hub.close();
          await engine.close();
          // Events the engine reported are recorded; what is not delivered yet stays pending for the next start.
          await events.close();
          untrustRoot?.();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of undo) {
      try {
        await step();
      } catch {
        // The start's own error is the one to report.
      }
    }
    await store.close();
    throw error;
  }
}

/** Events (docs/events.md): every engine event recorded, its webhooks' deliveries worked, until `close`. */
function eventsPart(config: ServiceConfig, store: Store, engine: WhatsAppEngine, clock: Clock, secretKey: Buffer, reportTo: { log?: FastifyInstance['log'] }) {
  const log = new EventLog(store.events, clock, (error, draft) => reportTo.log?.error({ err: error, event: draft.type, sessionId: draft.sessionId }, 'event not recorded'));
  const stopListening = engine.subscribe((event) => log.record(event));
  const policy = { allowPrivateAddresses: config.allowPrivateUrls };
  const webhooks = new WebhookService(store.events, log, { clock, secretKey, policy, lookup: systemLookup, sessionExists: async (id) => (await store.sessions.get(id)) !== undefined });
  const worker = new WebhookWorker({
    events: store.events,
    clock,
    secretKey,
    policy,
    lookup: systemLookup,
    retry: { ...defaultRetrySchedule, firstMs: config.webhookRetryFirstMs, giveUpMs: config.webhookGiveUpMs },
    timeoutMs: config.webhookTimeoutMs,
    pollMs: Math.min(1_000, config.webhookRetryFirstMs),
    batch: 20,
  });
  const stopWaking = log.subscribe(() => worker.wake());
  return {
    log,
    webhooks,
    worker,
    async close() {
      stopListening();
      stopWaking();
      await log.idle();
      await worker.stop();
    },
  };
}

