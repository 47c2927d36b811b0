export { SessionLeases } from './session-leases.js';
export type { LeaseHandlers, LeaseLog, ReleaseReason, SessionLeasesOptions } from './lease-options.js';
export { defaultServerKeepalive, nodeGiveUpMs, serverGiveUpMs, type ServerKeepalive } from './partition-margin.js';
export { sessionLockKey } from './lock-key.js';
export { ClusterNode, type ClusterNodeOptions } from './cluster-node.js';
