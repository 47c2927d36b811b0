import type { Location } from '../../domain/actions.js';
import { displayChat } from '../../domain/chat.js';
import type { ContactPayload } from '../../domain/vcard.js';
import type { OutgoingMedia, SentMessage } from '../engine.js';
import type { MessageSelector, SandboxNetwork } from './network.js';
import type { ChatSummary, MessageView } from './view.js';

export interface PhoneOptions {
  /** Shown in chats and on the /sandbox page. */
  name?: string;
  /** false: the number exists but has no WhatsApp account. Default true. */
  onWhatsApp?: boolean;
}

/** The message id to use, e.g. to resend the same message. A fresh one otherwise. */
export interface PhoneSendOptions {
  id?: string;
}

/**
 * A person's phone in the sandbox: it sends, reacts, edits, deletes and reads like the WhatsApp app,
 * so tests can play the other side of a chat. Messages are named by id (a chat narrows the search);
 * a view, a sent message or an engine's record all work.
 *
 * @example
 * const ref = anna.sendText(bot.jid, 'Can I move my appointment?');
 * await engine.findMessage('s1', { id: ref.id }); // fromMe: false, chat: anna.jid
 */
export class VirtualPhone {
  readonly jid: string;
  /** The number in international format, e.g. `+79001234567`. */
  readonly phone: string;
  readonly name?: string;
  readonly onWhatsApp: boolean;

  constructor(
    private readonly network: SandboxNetwork,
    jid: string,
    options: PhoneOptions = {},
  ) {
    this.jid = jid;
    this.phone = displayChat(jid);
    if (options.name !== undefined) this.name = options.name;
    this.onWhatsApp = options.onWhatsApp ?? true;
  }

  /** `quote`: the message it replies to, in the chat `to` names. */
  sendText(to: string, text: string, options: PhoneSendOptions & { quote?: { id: string; fromMe?: boolean } } = {}): SentMessage {
    const quote = options.quote ? { quote: { chat: to, ...options.quote } } : {};
    return this.network.post(this.jid, to, { type: 'text', text, ...quote }, options.id);
  }

  sendMedia(to: string, media: OutgoingMedia, options: PhoneSendOptions & { caption?: string } = {}): SentMessage {
    return this.network.post(this.jid, to, { type: 'media', media, caption: options.caption }, options.id);
  }

  sendLocation(to: string, location: Location, options: PhoneSendOptions = {}): SentMessage {
    return this.network.post(this.jid, to, { type: 'location', location }, options.id);
  }

  sendContacts(to: string, contacts: ContactPayload[], options: PhoneSendOptions = {}): SentMessage {
    return this.network.post(this.jid, to, { type: 'contacts', contacts }, options.id);
  }

  /** Reacts with one emoji; `""` removes this phone's reaction. */
  react(message: MessageSelector, emoji: string): SentMessage {
    return this.network.react(this.jid, this.network.locate(this.jid, message), emoji);
  }

  edit(message: MessageSelector, text: string): SentMessage {
    return this.network.edit(this.jid, this.network.locate(this.jid, message), text);
  }

  /** Deletes for everyone by default, or only on this phone. */
  deleteMessage(message: MessageSelector, options: { forEveryone?: boolean } = {}): SentMessage {
    return this.network.deleteMessage(this.jid, this.network.locate(this.jid, message), options.forEveryone ?? true);
  }

  forward(message: MessageSelector, to: string): SentMessage {
    return this.network.forward(this.jid, this.network.locate(this.jid, message), to);
  }

  /** Opens a chat (or every chat) and reads what others sent: their senders get read receipts. */
  read(chat?: string): void {
    this.network.readAll(this.jid, chat);
  }

  /** This phone's chat with `chat`, oldest first. */
  conversation(chat: string): MessageView[] {
    return this.network.conversation(this.jid, chat);
  }

  chats(): ChatSummary[] {
    return this.network.chatsOf(this.jid);
  }

  /** Settings → Linked devices → Log out, for every linked device of this phone. */
  logOutLinkedDevices(): number {
    return this.network.logoutDevice(this.jid);
  }
}
