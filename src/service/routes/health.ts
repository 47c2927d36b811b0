import type { FastifyPluginAsync } from 'fastify';
import { ConnectorError } from '../../domain/errors.js';
import type { Metrics } from '../metrics.js';

export interface HealthRoutesOptions {
  metrics: Metrics;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
}

/** Liveness, readiness (the store answers) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { metrics, ping }) => {
  const tags = ['operations'];
  app.get('/health', { schema: { tags, summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { tags, summary: 'The store is reachable' } }, async () => {
    try {
      await ping();
    } catch (error) {
      throw new ConnectorError('INTERNAL', 'The store is not reachable', undefined, { cause: error });
    }
    return { status: 'ready' };
  });
  app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics' } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
