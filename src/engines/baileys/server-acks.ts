import type { BinaryNode } from 'baileys';
import { ConnectorError } from '../../domain/errors.js';

/** The socket closed under a send, before the server acked it: the send may go again on the next connection. */
export class SocketClosed extends Error {}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * The server's acks of one session's messages. Baileys' `sendMessage` resolves once the stanza is
 * written, so a message counts as sent only when its ack arrives here (see docs/testing.md).
 */
export class ServerAcks {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly timeoutMs: number) {}

  /** Resolves when the server acks `messageId`; rejects if it refuses it or the socket closes first. */
  expect(messageId: string): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.set(messageId, { resolve, reject }));
  }

  /**
   * From now (the stanza is written) the server has `timeoutMs` to confirm. If it never does, the
   * message may still have been delivered: the caller hears TIMEOUT, and a retry with the same
   * idempotency key resends the same id, which the recipient shows once.
   */
  startClock(messageId: string): void {
    const waiter = this.waiting.get(messageId);
    if (!waiter) return;
    waiter.timer = setTimeout(() => {
      this.settle(messageId)?.reject(
        new ConnectorError('TIMEOUT', `WhatsApp did not confirm message ${messageId} within ${this.timeoutMs} ms; retrying with the same idempotency key cannot send it twice`, { messageId }),
      );
    }, this.timeoutMs);
  }

  /** The send gave up on its own (aborted, failed): stop waiting for it. */
  forget(messageId: string): void {
    this.settle(messageId);
  }

  /** An `ack` stanza of class `message` from the server. */
  received(node: BinaryNode): void {
    const waiter = node.attrs.id === undefined ? undefined : this.settle(node.attrs.id);
    if (!waiter) return;
    if (node.attrs.error) waiter.reject(new ConnectorError('ENGINE_ERROR', `WhatsApp refused the message (error ${node.attrs.error})`, { error: node.attrs.error }));
    else waiter.resolve();
  }

  /** The socket is gone: every send waiting for an ack learns it. */
  socketClosed(why: string): void {
    for (const messageId of [...this.waiting.keys()]) this.settle(messageId)?.reject(new SocketClosed(why));
  }

  private settle(messageId: string): Waiter | undefined {
    const waiter = this.waiting.get(messageId);
    this.waiting.delete(messageId);
    clearTimeout(waiter?.timer);
    return waiter;
  }
}
