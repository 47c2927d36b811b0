import { jidNormalizedUser, type BinaryNode, type WAMessage } from 'baileys';
import type { Clock } from '../../domain/clock.js';
import type { MessageRef, MessageStatus } from '../../domain/message.js';
import type { ArchivedMessage } from './content.js';
import { describeContent } from './content.js';

/**
 * What a receipt stanza reports: a recipient's phone got (`delivery`, no type) or showed (`read`,
 * `played`) one or more messages this device sent; in a group, `participant` names whose phone.
 * Other receipts (retries, own devices' `read-self`, `sender`) report nothing.
 */
export function receiptsOf(node: BinaryNode): { message: MessageRef; status: MessageStatus; recipient?: string; played?: boolean }[] {
  const { type, id, from, participant } = node.attrs;
  const status: MessageStatus | undefined = type === undefined ? 'delivered' : type === 'read' || type === 'played' ? 'read' : undefined;
  if (!status || !id || !from) return [];
  const listed = Array.isArray(node.content) ? node.content.filter((child) => child.tag === 'list').flatMap((list) => (Array.isArray(list.content) ? list.content : [])) : [];
  const ids = [id, ...listed.map((item) => item.attrs.id).filter((listedId): listedId is string => listedId !== undefined)];
  const chat = jidNormalizedUser(from);
  const extra = { ...(participant ? { recipient: jidNormalizedUser(participant) } : {}), ...(type === 'played' ? { played: true } : {}) };
  return ids.map((messageId) => ({ message: { chat, id: messageId, fromMe: true }, status, ...extra }));
}

/** What others sent, as the archive keeps it so that a later reaction or forward can name it; nothing for own or unreadable messages. */
export function receivedForArchive(messages: WAMessage[], clock: Pick<Clock, 'now'>): ArchivedMessage[] {
  return messages.flatMap((raw) => {
    const described = describeContent(raw.message);
    if (raw.key.fromMe || !raw.key.id || !raw.key.remoteJid || !described) return [];
    const record = {
      chat: jidNormalizedUser(raw.key.remoteJid),
      id: raw.key.id,
      fromMe: false,
      timestamp: Number(raw.messageTimestamp ?? 0) * 1000 || clock.now(),
      status: 'delivered' as const,
      deletedForEveryone: false,
      ...described,
    };
    return [{ record, raw }];
  });
}
