import type { proto } from 'baileys';

/** One message as an emulated device decrypted it. */
export interface ReceivedMessage {
  /** The WhatsApp message id the client chose. */
  id: string;
  /** The chat as the recipient sees it: the sender's phone JID for 1:1, the group JID for groups. */
  chat: string;
  /** The sending companion, e.g. `79001234567:1@s.whatsapp.net`. */
  sender: string;
  /** The recipient account's phone number and the device that decrypted it. */
  recipient: string;
  device: number;
  /** The stanza's own attributes that carry meaning: `type` (text, media, reaction…), `edit`. */
  stanza: { type?: string; edit?: string; mediatype?: string };
  /** Which Signal payload carried it: `pkmsg`, `msg` or `skmsg`. */
  encryption: string;
  /** The decoded protobuf, with a device-sent copy already unwrapped. */
  message: proto.IMessage;
  receivedAt: Date;
}

type Listener = (message: ReceivedMessage) => void;

/** Every decrypted message, queryable per recipient and chat, with waiting for arrivals. */
export class Inbox {
  private readonly messages: ReceivedMessage[] = [];
  private readonly listeners = new Set<Listener>();

  record(message: ReceivedMessage): void {
    this.messages.push(message);
    for (const listener of this.listeners) listener(message);
  }

  /** What a recipient's primary phone shows, optionally for one chat, in arrival order. */
  of(phone: string, chat?: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.recipient === phone && m.device === 0 && (chat === undefined || m.chat === chat));
  }

  /** Every decryption on every device, for tests that check fan-out. */
  all(): readonly ReceivedMessage[] {
    return this.messages;
  }

  /** Resolves with the first message (already here or arriving) that matches. */
  waitFor(match: (message: ReceivedMessage) => boolean, timeoutMs = 5_000): Promise<ReceivedMessage> {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener: Listener = (message) => {
        if (!match(message)) return;
        cleanup();
        resolve(message);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }
}
