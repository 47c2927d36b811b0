import type { Clock } from '../../domain/clock.js';
import { ConnectorError } from '../../domain/errors.js';
import type { MessageRecord } from '../../domain/message.js';
import type { OutgoingMedia, OutgoingMessage, SentMessage } from '../engine.js';
import type { TargetRef } from './messaging.js';
import type { SandboxNetwork } from './network.js';
import type { StoredMedia } from './store.js';

/** An outgoing message whose file, if it had one on disk, the engine has read already. */
export type ReadyMessage = OutgoingMessage | { type: 'media'; chat: string; media: OutgoingMedia | StoredMedia; caption?: string; quoted?: MessageRecord };

/** Hands one outgoing message of the account `jid` to the network, which applies WhatsApp's rules. */
export function sendThroughNetwork(network: SandboxNetwork, jid: string, message: ReadyMessage, messageId: string): SentMessage {
  switch (message.type) {
    case 'text':
      return network.post(jid, message.chat, { type: 'text', text: message.text, ...quoteOf(message) }, messageId);
    case 'media':
      return network.post(jid, message.chat, { type: 'media', media: message.media, caption: message.caption, ...quoteOf(message) }, messageId);
    case 'location':
      return network.post(jid, message.chat, { type: 'location', location: message.location }, messageId);
    case 'contacts':
      return network.post(jid, message.chat, { type: 'contacts', contacts: message.contacts }, messageId);
    case 'reaction':
      return network.react(jid, targetOf(message.target), message.emoji, messageId);
    case 'forward':
      return network.forward(jid, targetOf(message.target), message.chat, messageId);
    case 'edit':
      return network.edit(jid, targetOf(message.target), message.text, messageId);
    case 'delete':
      return network.deleteMessage(jid, targetOf(message.target), message.forEveryone, messageId);
  }
}

function quoteOf(message: { quoted?: MessageRecord }): { quote?: TargetRef } {
  return message.quoted ? { quote: targetOf(message.quoted) } : {};
}

/** The network looks the target up again: a caller's record may be stale, the network's state is not. */
function targetOf(record: MessageRecord): TargetRef {
  return { chat: record.chat, id: record.id, fromMe: record.fromMe };
}

/** An aborted send fails with the signal's reason when it is a ConnectorError, else with TIMEOUT. */
export function abortError(signal: AbortSignal): ConnectorError {
  const reason: unknown = signal.reason;
  if (reason instanceof ConnectorError) return reason;
  return new ConnectorError('TIMEOUT', 'The send was aborted before WhatsApp accepted it', undefined, { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Waits `ms` on the clock; an abort rejects at once and cancels the timer. */
export function delay(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
