import { displayChat } from '../../domain/chat.js';
import { isUnreadBy } from './receipts.js';
import { chatSeenBy, type Conversation, type MessageStore } from './store.js';
import { messageView, previewOf, titleOf, type ChatSummary, type MessageView, type NameOf, type NetworkChat } from './view.js';

/**
 * What people see of the network: one conversation as a participant sees it, a person's chat list,
 * and every conversation for the /sandbox page. Read-only over the store.
 */
export class Viewer {
  constructor(
    private readonly store: MessageStore,
    private readonly nameOf: NameOf,
    /** Whether a session of the connector is linked to this account: its side of a chat is "me". */
    private readonly isLinked: (jid: string) => boolean = () => false,
  ) {}

  /** The messages of `conversation` that `viewer` has not deleted for themselves, oldest first. */
  conversation(conversation: Conversation, viewer: string): MessageView[] {
    return conversation.messages
      .filter((message) => !message.deletedFor.has(viewer))
      .map((message) => messageView(message, conversation, viewer, this.nameOf));
  }

  /** `viewer`'s chat list, most recent first. */
  chatsOf(viewer: string): ChatSummary[] {
    return this.byRecency(this.store.of(viewer)).map((conversation) => {
      const messages = this.conversation(conversation, viewer);
      const lastMessage = messages.at(-1);
      const chat = chatSeenBy(conversation, viewer);
      const summary: ChatSummary = {
        key: conversation.key,
        chat,
        kind: conversation.kind,
        title: conversation.subject ?? titleOf(chat, this.nameOf),
        participants: [...conversation.participants],
        preview: previewOf(lastMessage),
        unread: conversation.messages.filter((message) => isUnreadBy(message, viewer)).length,
      };
      if (lastMessage) summary.lastMessage = lastMessage;
      return summary;
    });
  }

  /** Every conversation of the network, most recent first. */
  allChats(): NetworkChat[] {
    return this.byRecency(this.store.all()).map((conversation) => {
      const messages = this.neutral(conversation);
      const lastMessage = messages.at(-1);
      const chat: NetworkChat = {
        key: conversation.key,
        kind: conversation.kind,
        title: conversation.subject ?? this.directTitle(conversation),
        participants: conversation.participants.map((jid) => {
          const name = this.nameOf(jid);
          const participant: NetworkChat['participants'][number] = name === undefined ? { jid, phone: displayChat(jid) } : { jid, phone: displayChat(jid), name };
          if (this.isLinked(jid)) participant.linked = true;
          return participant;
        }),
        preview: previewOf(lastMessage),
        messageCount: messages.length,
      };
      if (lastMessage) chat.lastMessage = lastMessage;
      return chat;
    });
  }

  /**
   * A chat of a linked account is named as its account sees it, after the other party (the linked
   * side is the same in most chats and tells nothing apart); any other chat after both sides.
   */
  private directTitle(conversation: Conversation): string {
    const others = conversation.participants.filter((jid) => !this.isLinked(jid));
    const named = others.length === 1 ? others : conversation.participants;
    return named.map((jid) => titleOf(jid, this.nameOf)).join(' ↔ ');
  }

  /** Every message of a conversation as the network holds it, oldest first. */
  neutral(conversation: Conversation): MessageView[] {
    return conversation.messages.map((message) => messageView(message, conversation, undefined, this.nameOf));
  }

  /** Every message others sent to `viewer`, in any chat, oldest first. */
  received(viewer: string): MessageView[] {
    return this.store
      .messages()
      .filter((message) => message.sender !== viewer && !message.deletedFor.has(viewer))
      .flatMap((message) => {
        const conversation = this.store.get(message.conversation);
        return conversation?.participants.includes(viewer) ? [messageView(message, conversation, viewer, this.nameOf)] : [];
      });
  }

  private byRecency(conversations: Conversation[]): Conversation[] {
    const lastActivity = (conversation: Conversation) => conversation.messages.at(-1)?.timestamp ?? conversation.createdAt;
    const position = new Map(this.store.messages().map((message, index) => [message, index]));
    const lastPosition = (conversation: Conversation) => {
      const last = conversation.messages.at(-1);
      return last ? (position.get(last) ?? -1) : -1;
    };
    return [...conversations].sort((a, b) => lastActivity(b) - lastActivity(a) || lastPosition(b) - lastPosition(a) || a.key.localeCompare(b.key));
  }
}
