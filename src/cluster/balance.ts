/** What a node knows at one check: the cluster's live nodes and who holds what. */
export interface BalanceInput {
  /** Live lock connections in the order every node sees them (node id, then pid). */
  nodes: readonly { pid: number }[];
  /** This node's lock connection. */
  selfPid: number;
  /** Sessions that should run somewhere, without repeats. */
  candidates: readonly string[];
  /** Sessions this node holds and keeps running (not being handed over or dropped), in the order it took them. */
  held: ReadonlySet<string>;
  /** Sessions this node is letting go of: still locked here until their handler is done. */
  leaving: ReadonlySet<string>;
  /** Candidates another connection holds. */
  heldElsewhere: ReadonlySet<string>;
}

/** What a node does at one check. */
export interface BalancePlan {
  /** How many sessions this node should hold. */
  target: number;
  /** Held sessions that are no longer candidates. */
  drop: string[];
  /** Held sessions above the target, for another node to take. */
  handOver: string[];
  /** Free candidates, in the order to try them while below the target. */
  tryToTake: string[];
}

/**
 * One node's share of the sessions and what to do to reach it. N candidates over k live nodes:
 * every node gets ⌊N/k⌋ and the first N mod k nodes in the common order one more, so the shares
 * add up to N exactly and no two nodes differ by more than one. (A plain ⌈N/k⌉ each can settle at
 * 4 + 4 + 2 for 10 over 3: nobody is over the target and nothing is free.) Each node starts its
 * tries at its own offset, so nodes racing for free sessions mostly try different ones.
 *
 * @example planBalance({ nodes: [{ pid: 1 }, { pid: 2 }], selfPid: 2, candidates: ['a', 'b', 'c'], held: new Set(), leaving: new Set(), heldElsewhere: new Set() })
 * // { target: 1, drop: [], handOver: [], tryToTake: ['b', 'c', 'a'] }
 */
export function planBalance(input: BalanceInput): BalancePlan {
  const candidates = new Set(input.candidates);
  const drop = [...input.held].filter((id) => !candidates.has(id));
  const kept = [...input.held].filter((id) => candidates.has(id));

  const found = input.nodes.findIndex((node) => node.pid === input.selfPid);
  // Not listed yet (pg_stat_activity read before this connection showed up): count it last.
  const count = found === -1 ? input.nodes.length + 1 : input.nodes.length;
  const rank = found === -1 ? count - 1 : found;
  const total = input.candidates.length;
  const target = Math.floor(total / count) + (rank < total % count ? 1 : 0);

  // The longest-held go first (\`held\` is in the order the locks were taken): the newest one is
  // often a session still being linked here, whose QR codes only this node's socket can show.
  const handOver = kept.length > target ? kept.slice(0, kept.length - target) : [];
  const free = input.candidates.filter((id) => !input.held.has(id) && !input.leaving.has(id) && !input.heldElsewhere.has(id));
  const start = free.length === 0 ? 0 : Math.floor((rank * free.length) / count);
  const tryToTake = kept.length < target ? [...free.slice(start), ...free.slice(0, start)] : [];
  return { target, drop, handOver, tryToTake };
}
