import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  actionFinished(action: string, outcome: string, durationMs: number): void;
}

/**
 * Prometheus metrics of one service instance: actions by outcome and their latency, sessions by
 * state (read when scraped), and the process's own figures.
 */
export function createMetrics(sessionStates: () => Promise<string[]>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'whatsapp_connector_' });
  const actions = new Counter({
    name: 'whatsapp_connector_actions_total',
    help: 'Actions performed, by action and outcome (completed or an error code)',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'whatsapp_connector_action_duration_seconds',
    help: 'Time to perform an action, by action',
    labelNames: ['action'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'whatsapp_connector_sessions',
    help: 'Sessions by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of await sessionStates()) this.inc({ state });
    },
  });
  return {
    registry,
    actionFinished(action, outcome, durationMs) {
      actions.inc({ action, outcome });
      latency.observe({ action }, durationMs / 1000);
    },
  };
}
