import { createHash } from 'node:crypto';

/**
 * The advisory lock key of one session: the first 8 bytes of sha256(`<cluster>/session/<id>`) as
 * a signed int8, in decimal (how `pg` passes a bigint without losing digits). Every node computes
 * the same key without asking anyone; the cluster name keeps it apart from other applications'
 * advisory locks in the same database, and a 64-bit hash makes two sessions sharing a key
 * (and so a node) a one-in-2^64 event per pair, not a design case.
 *
 * @example sessionLockKey('whatsapp-connector', 'ses_01') // '-6154093622307325541' (say)
 */
export function sessionLockKey(cluster: string, sessionId: string): string {
  return createHash('sha256').update(`${cluster}/session/${sessionId}`).digest().readBigInt64BE(0).toString();
}
