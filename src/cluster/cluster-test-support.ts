import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { isolatedPostgresUrl } from '../store/postgres-test-support.js';
import { eventually } from '../../test/support/eventually.js';
import { applicationName } from './cluster-view.js';
import type { ReleaseReason, SessionLeasesOptions } from './lease-options.js';
import { SessionLeases } from './session-leases.js';

/** What one node's handlers saw, in order. */
export type LeaseEvent = { type: 'acquired'; sessionId: string } | { type: 'released'; sessionId: string; reason: ReleaseReason };

/** One lease instance with handlers that keep their own books. */
export interface TestNode {
  nodeId: string;
  leases: SessionLeases;
  events: LeaseEvent[];
  /** Sessions whose `acquired` ran and whose `released` has not yet. */
  running: Set<string>;
  /** How many times this node asked for the candidates: a check happened. */
  checks: number;
}

/**
 * A cluster of lease instances in one process, on a cluster name of its own (so its nodes and
 * locks never meet another test's), with one ledger across all nodes: a session "acquired" on
 * a node while it still runs on another is recorded as a violation.
 */
export class TestCluster {
  readonly name = `wac-test-${randomUUID().slice(0, 8)}`;
  readonly candidates: string[] = [];
  readonly nodes: TestNode[] = [];
  readonly violations: string[] = [];
  /** While set, every `acquired` handler waits for it: a slow socket to open. */
  acquireGate: Promise<void> | undefined;
  private readonly runningOn = new Map<string, string>();

  private constructor(readonly databaseUrl: string) {}

  static async create(sessionCount: number): Promise<TestCluster> {
    const cluster = new TestCluster(await isolatedPostgresUrl());
    for (let i = 0; i < sessionCount; i++) cluster.candidates.push(`ses_${String(i).padStart(2, '0')}`);
    return cluster;
  }

  /**
   * Runs a test's story on a fresh cluster of `sessionCount` candidates, then checks that no
   * session ever ran on two nodes at once and closes every node, whatever happened.
   *
   * @example await TestCluster.run(20, async (cluster) => { const a = await cluster.start('node-a'); … });
   */
  static async run(sessionCount: number, story: (cluster: TestCluster) => Promise<void>): Promise<void> {
    const cluster = await TestCluster.create(sessionCount);
    try {
      await story(cluster);
      assert.deepEqual(cluster.violations, []);
    } finally {
      await cluster.closeAll();
    }
  }

  /** Starts a node checking every 100 ms unless told otherwise. */
  async start(nodeId: string, options: Partial<SessionLeasesOptions> = {}): Promise<TestNode> {
    const node: Omit<TestNode, 'leases'> = { nodeId, events: [], running: new Set(), checks: 0 };
    const leases = new SessionLeases({
      databaseUrl: this.databaseUrl,
      nodeId,
      cluster: this.name,
      checkIntervalMs: 100,
      heartbeatTimeoutMs: 1000,
      candidates: async () => {
        node.checks += 1;
        return [...this.candidates];
      },
      handlers: {
        acquired: async (sessionId) => {
          await this.acquireGate;
          const other = this.runningOn.get(sessionId);
          if (other !== undefined) this.violations.push(`${sessionId} acquired on ${nodeId} while running on ${other}`);
          this.runningOn.set(sessionId, nodeId);
          node.running.add(sessionId);
          node.events.push({ type: 'acquired', sessionId });
        },
        released: async (sessionId, reason) => {
          if (!node.running.has(sessionId)) this.violations.push(`${sessionId} released (${reason}) on ${nodeId} without running there`);
          if (this.runningOn.get(sessionId) === nodeId) this.runningOn.delete(sessionId);
          node.running.delete(sessionId);
          node.events.push({ type: 'released', sessionId, reason });
        },
      },
      ...options,
    });
    await leases.start();
    const started = Object.assign(node, { leases });
    this.nodes.push(started);
    return started;
  }

  /** Resolves once every candidate runs on exactly one of `nodes` and they differ by at most one. */
  async settled(nodes: TestNode[], what: string): Promise<void> {
    await eventually(async () => {
      const counts = nodes.map((node) => node.running.size);
      if (counts.reduce((a, b) => a + b, 0) !== this.candidates.length || Math.max(...counts) - Math.min(...counts) > 1) return false;
      const owners = await nodes[0]!.leases.ownerOf(this.candidates);
      return this.candidates.every((id) => nodes.some((node) => node.running.has(id) && owners.get(id) === node.nodeId));
    }, what);
  }

  /**
   * Compares, over and over until stopped, the handlers' books with pg_locks as another node
   * reads it: a session running on a node whose books did not move during the read must be
   * owned by that node. Mismatches are violations; resolves to the number of observations.
   */
  watchOwnership(nodes: TestNode[], reader: TestNode): () => Promise<number> {
    let stopped = false;
    const watching = (async () => {
      let observations = 0;
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const before = nodes.map((node) => node.events.length);
        const owners = await reader.leases.ownerOf(this.candidates).catch(() => undefined);
        if (owners === undefined) continue;
        observations += 1;
        nodes.forEach((node, i) => {
          if (node.events.length !== before[i]) return;
          for (const id of node.running) {
            if (owners.get(id) !== node.nodeId) this.violations.push(`${id} runs on ${node.nodeId} but pg_locks says ${owners.get(id) ?? 'nobody'}`);
          }
        });
      }
      return observations;
    })();
    return () => {
      stopped = true;
      return watching;
    };
  }

  /** Resolves once every node in `nodes` has run `count` more checks. */
  async checksPass(nodes: TestNode[], count = 3): Promise<void> {
    const from = nodes.map((node) => node.checks);
    await eventually(() => nodes.every((node, i) => node.checks >= from[i]! + count), `${count} more checks`);
  }

  /** Ends a node's lock connection from the server side, as a DBA or a failover would. */
  async terminate(nodeId: string): Promise<void> {
    const admin = new pg.Client({ connectionString: this.databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [
        applicationName(this.name, nodeId),
      ]);
      if (rows.length !== 1 || rows[0]?.ok !== true) throw new Error(`no lock connection of ${nodeId} to terminate`);
    } finally {
      await admin.end();
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.leases.close()));
  }
}
