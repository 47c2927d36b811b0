import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of milliseconds since the epoch, then random bits. Rows
 * keyed by it are inserted at the end of their index, where random UUIDs would each write a page
 * somewhere in the middle of it. The random part comes from `randomUUID`, which draws from a
 * buffered pool instead of asking the system for every id.
 *
 * @example timeOrderedId(Date.now()) // '019ab3f2-5c41-7d2e-9a0b-3c5e8f1d2a47'
 */
export function timeOrderedId(now: number): string {
  const millis = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  // A version 4 UUID already has the variant bits of version 7; keep its random part after the version digit.
  return `${millis.slice(0, 8)}-${millis.slice(8)}-7${randomUUID().slice(15)}`;
}
