import { DisconnectReason } from 'baileys';

/** What a session does once its socket closed. */
export type AfterClose =
  /** The link is over for good: the phone removed the device, or the account cannot use it. */
  | { next: 'unlink'; reason: string }
  /** WhatsApp asks for a new connection at once, as it does right after a phone links. */
  | { next: 'connect-now' }
  /**
   * The device logged in on another socket, which WhatsApp keeps (`connectionReplaced`, 440):
   * another process runs it now, and a reconnect would only kick that one off in turn.
   */
  | { next: 'stop'; reason: 'replaced' }
  /** Every QR code ran out with no phone scanning one. */
  | { next: 'linking-failed' }
  /** Try again after a backoff; `unreachable` says why the socket never got as far as WhatsApp. */
  | { next: 'retry'; unreachable?: string };

/** How far the closed socket got: a QR code shown, or a login. */
export interface SocketProgress {
  linking: boolean;
  qrShown: number;
  loggedIn: boolean;
}

const unlinkedCodes = new Set<number>([DisconnectReason.loggedOut, DisconnectReason.forbidden, DisconnectReason.multideviceMismatch]);

/**
 * Decides what follows a socket's close, from Baileys' error and how far the socket got.
 *
 * @example afterClose(new Boom('WebSocket Error (connect ECONNREFUSED 127.0.0.1:9)', { statusCode: 408, data: refused }), { linking: true, qrShown: 0, loggedIn: false })
 * // { next: 'retry', unreachable: 'connect ECONNREFUSED 127.0.0.1:9' }
 */
export function afterClose(error: unknown, progress: SocketProgress): AfterClose {
  const status = statusOf(error);
  if (status !== undefined && unlinkedCodes.has(status)) {
    return { next: 'unlink', reason: status === DisconnectReason.loggedOut ? 'the phone removed this linked device' : `WhatsApp refused the device (${status})` };
  }
  if (status === DisconnectReason.restartRequired) return { next: 'connect-now' };
  if (status === DisconnectReason.connectionReplaced) return { next: 'stop', reason: 'replaced' };
  if (progress.linking && progress.qrShown > 0 && status === DisconnectReason.timedOut) return { next: 'linking-failed' };
  if (progress.qrShown === 0 && !progress.loggedIn) return { next: 'retry', unreachable: reasonOf(error) };
  return { next: 'retry' };
}

/** The HTTP-like status Baileys puts on its errors (a Boom's `output.statusCode`). */
export function statusOf(error: unknown): number | undefined {
  return (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
}

/** The network's own words ("connect ECONNREFUSED …") rather than Baileys' wrapper around them. */
function reasonOf(error: unknown): string {
  const cause = (error as { data?: unknown } | undefined)?.data;
  if (cause instanceof Error && cause.message) return cause.message;
  if (error instanceof Error && error.message) return error.message;
  return 'the connection closed';
}
