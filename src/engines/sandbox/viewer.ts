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
        title: conversation.subject ?? conversation.participants.map((jid) => titleOf(jid, this.nameOf)).join(' ↔ '),
        participants: conversation.participants.map((jid) => {
          const name = this.nameOf(jid);
          return name === undefined ? { jid, phone: displayChat(jid) } : { jid, phone: displayChat(jid), name };
        }),
        preview: previewOf(lastMessage),
        messageCount: messages.length,
      };
      if (lastMessage) chat.lastMessage = lastMessage;
      return chat;
    });
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
