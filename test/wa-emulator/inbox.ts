import { jidDecode, type proto } from 'baileys';
import { Conditions } from '../../src/engines/baileys/conditions.js';
import { waitLimitMs } from '../support/eventually.js';

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

/** Every decrypted message, queryable per recipient and chat, with waiting for arrivals. */
export class Inbox {
  private readonly messages: ReceivedMessage[] = [];
  private readonly arrivals = new Conditions();

  record(message: ReceivedMessage): void {
    this.messages.push(message);
    this.arrivals.changed();
  }

  /**
   * What a recipient's primary phone shows, optionally for one chat, in arrival order. A phone
   * names a message by its chat, sender and id: one that arrives again under the same id (a
   * sender's resend) is decrypted but not shown twice.
   */
  of(phone: string, chat?: string): ReceivedMessage[] {
    const shown = new Set<string>();
    return this.messages.filter((m) => {
      if (m.recipient !== phone || m.device !== 0 || (chat !== undefined && m.chat !== chat)) return false;
      const key = `${m.chat}\0${jidDecode(m.sender)?.user ?? m.sender}\0${m.id}`;
      if (shown.has(key)) return false;
      shown.add(key);
      return true;
    });
  }

  /** Every decryption on every device, for tests that check fan-out. */
  all(): readonly ReceivedMessage[] {
    return this.messages;
  }

  /** Resolves with the first message (already here or arriving) that matches. */
  async waitFor(match: (message: ReceivedMessage) => boolean, timeoutMs = waitLimitMs): Promise<ReceivedMessage> {
    let found: ReceivedMessage | undefined;
    await this.arrivals.until(() => (found = this.messages.find(match)) !== undefined, () => 'a matching message', timeoutMs);
    return found!;
  }
}
