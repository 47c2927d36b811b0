import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConnectorError } from '../../domain/errors.js';
import { healthSchema, readySchema } from '../api-schemas.js';
import type { Metrics } from '../metrics.js';
import { json, media, noAuth, responses } from '../openapi.js';

export interface HealthRoutesOptions {
  metrics: Metrics;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
}

/** Liveness, readiness (the store answers) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { metrics, ping }) => {
  const tags = ['operations'];
  app.get('/health', {
    schema: { operationId: 'getHealth', tags, summary: 'The process is up', security: noAuth, response: responses({ 200: json('Up', healthSchema) }) },
  }, async () => ({ status: 'ok' as const }));
  app.get('/ready', {
    schema: { operationId: 'getReadiness', tags, summary: 'The store is reachable', security: noAuth, response: responses({ 200: json('Ready to serve', readySchema) }) },
  }, async () => {
    try {
      await ping();
    } catch (error) {
      throw new ConnectorError('INTERNAL', 'The store is not reachable', undefined, { cause: error });
    }
    return { status: 'ready' as const };
  });
  app.get('/metrics', {
    schema: {
      operationId: 'getMetrics',
      tags,
      summary: 'Prometheus metrics',
      security: noAuth,
      response: responses({ 200: media('The text exposition format', 'text/plain', z.string()) }),
    },
  }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
};
