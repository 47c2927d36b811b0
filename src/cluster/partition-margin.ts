import { ConnectorError } from '../domain/errors.js';

/**
 * How PostgreSQL probes a lock connection that went silent (its `tcp_keepalives_*` settings,
 * set per connection): after `idleSeconds` without a packet from the node it sends `count`
 * probes `intervalSeconds` apart, and when none is answered it closes the connection, which
 * frees every advisory lock the node held.
 */
export interface ServerKeepalive {
  idleSeconds: number;
  intervalSeconds: number;
  count: number;
}

/** 10 s idle + 3 probes 2 s apart: a silent node's locks go free after about 16 s. */
export const defaultServerKeepalive: ServerKeepalive = { idleSeconds: 10, intervalSeconds: 2, count: 3 };

/**
 * The least time PostgreSQL keeps a silent node's connection, and so its locks.
 *
 * @example serverGiveUpMs(defaultServerKeepalive) // 16_000
 */
export function serverGiveUpMs(keepalive: ServerKeepalive): number {
  return (keepalive.idleSeconds + keepalive.intervalSeconds * keepalive.count) * 1000;
}

/**
 * The most time a node takes to notice its lock connection stopped answering: the last heartbeat
 * answered just before the network went, the next one starts a check interval later and gives up
 * after the heartbeat timeout.
 *
 * @example nodeGiveUpMs(2000, 3000) // 5000
 */
export function nodeGiveUpMs(checkIntervalMs: number, heartbeatTimeoutMs: number): number {
  return checkIntervalMs + heartbeatTimeoutMs;
}

/**
 * Refuses settings under which PostgreSQL could free a partitioned node's locks (and let another
 * node open its sockets) before that node has even noticed and started closing them. The server
 * must wait at least twice as long as the node: the rest of the margin is the time the node's
 * `released(…, 'lost')` handlers get to close their sockets. Both clocks start at the last packet
 * the node got through, so neither side's clock needs to agree with the other's.
 *
 * @example assertPartitionMargin(2000, 3000, defaultServerKeepalive) // 16 s ≥ 2 × 5 s: fine
 */
export function assertPartitionMargin(checkIntervalMs: number, heartbeatTimeoutMs: number, keepalive: ServerKeepalive): void {
  const node = nodeGiveUpMs(checkIntervalMs, heartbeatTimeoutMs);
  const server = serverGiveUpMs(keepalive);
  const whole = (value: number) => Number.isInteger(value) && value > 0;
  if (!whole(checkIntervalMs) || !whole(heartbeatTimeoutMs) || !whole(keepalive.idleSeconds) || !whole(keepalive.intervalSeconds) || !whole(keepalive.count)) {
    throw new ConnectorError('VALIDATION_ERROR', 'Lease check interval, heartbeat timeout and keepalive settings must be positive whole numbers', {
      checkIntervalMs,
      heartbeatTimeoutMs,
      keepalive,
    });
  }
  if (server < 2 * node) {
    throw new ConnectorError(
      'VALIDATION_ERROR',
      `PostgreSQL would free a silent node's leases after ${server} ms, but the node may take ${node} ms to notice; the server must wait at least twice as long`,
      { checkIntervalMs, heartbeatTimeoutMs, keepalive, serverGiveUpMs: server, nodeGiveUpMs: node },
    );
  }
}
