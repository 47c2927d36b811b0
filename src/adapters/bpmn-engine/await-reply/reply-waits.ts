import type { IncomingMessage } from '../../../domain/incoming.js';

/** What a waiting process receives: the client's message, as the events carry it. */
export type Reply = IncomingMessage;

interface Waiter {
  since: number;
  resolve(reply: Reply): void;
}

/**
 * The processes waiting for a client's next message, by session and chat: a message in chat C of
 * session S goes to the process that has waited longest on (S, C), once; one that came before the
 * wait began is not its answer. Many processes wait at once, each on its own client's chat.
 *
 * @example const cancel = waits.wait('ses_1', '79001111111@s.whatsapp.net', clock.now(), (reply) => …); waits.deliver('ses_1', message);
 */
export class ReplyWaits {
  private readonly waiting = new Map<string, Waiter[]>();

  /** Waits for the next message in the chat; returns the function that gives the wait up. */
  wait(sessionId: string, chat: string, since: number, resolve: (reply: Reply) => void): () => void {
    const key = keyOf(sessionId, chat);
    const waiter: Waiter = { since, resolve };
    this.waiting.set(key, [...(this.waiting.get(key) ?? []), waiter]);
    return () => this.remove(key, waiter);
  }

  /** A client wrote: the oldest wait on its chat gets the message. Answers whether one did. */
  deliver(sessionId: string, message: Reply): boolean {
    const key = keyOf(sessionId, message.chat);
    const at = Date.parse(message.timestamp);
    const waiter = this.waiting.get(key)?.find((candidate) => !(at < candidate.since));
    if (!waiter) return false;
    this.remove(key, waiter);
    waiter.resolve(message);
    return true;
  }

  /** How many processes wait, all chats together. */
  get size(): number {
    let count = 0;
    for (const list of this.waiting.values()) count += list.length;
    return count;
  }

  private remove(key: string, waiter: Waiter): void {
    const rest = (this.waiting.get(key) ?? []).filter((candidate) => candidate !== waiter);
    if (rest.length > 0) this.waiting.set(key, rest);
    else this.waiting.delete(key);
  }
}

function keyOf(sessionId: string, chat: string): string {
  return `${sessionId}\0${chat}`;
}
