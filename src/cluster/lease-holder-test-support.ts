// A node in a process of its own, for the test that kills one with SIGKILL:
//   node --import tsx src/cluster/lease-holder-test-support.ts <databaseUrl> <cluster> <nodeId> <candidate>…
// It prints one line per handler call ("acquired ses_01", "released ses_01 handover") and runs
// until killed.
import { SessionLeases } from './session-leases.js';

const [databaseUrl, cluster, nodeId, ...candidates] = process.argv.slice(2);
if (databaseUrl === undefined || cluster === undefined || nodeId === undefined) throw new Error('usage: <databaseUrl> <cluster> <nodeId> <candidate>…');

const leases = new SessionLeases({
  databaseUrl,
  cluster,
  nodeId,
  checkIntervalMs: 100,
  heartbeatTimeoutMs: 1000,
  candidates: async () => candidates,
  handlers: {
    acquired: async (sessionId) => void process.stdout.write(`acquired ${sessionId}\n`),
    released: async (sessionId, reason) => void process.stdout.write(`released ${sessionId} ${reason}\n`),
  },
});
await leases.start();
process.stdout.write('started\n');
