import type { BinaryNode } from 'baileys';
import type { EmulatorModule } from './emulator.js';

const prop = (name: string, value: string): BinaryNode => ({ tag: 'prop', attrs: { name, value } });

/** Default privacy settings of a new account, as the phone reports them. */
const PRIVACY: Record<string, string> = { last: 'all', online: 'all', profile: 'all', status: 'contacts', groupadd: 'all', readreceipts: 'all' };

/**
 * What a client asks right after it opens: server props (privacy tokens on 1:1 messages, as
 * WhatsApp has them on), the block list (empty), privacy settings, and privacy-token updates.
 */
export const accountSettings: EmulatorModule = (emulator) => {
  emulator.onIq(
    'abt',
    (connection, iq) =>
      connection.reply(iq, [{ tag: 'props', attrs: { protocol: '1', hash: 'emulator' }, content: [prop('privacy_token_sending_on_all_1_on_1_messages', 'true')] }]),
    'props',
  );
  emulator.onIq('blocklist', (connection, iq) => connection.reply(iq, [{ tag: 'list', attrs: {} }]));
  emulator.onIq(
    'privacy',
    (connection, iq) =>
      connection.reply(iq, [
        { tag: 'privacy', attrs: {}, content: Object.entries(PRIVACY).map(([name, value]) => ({ tag: 'category', attrs: { name, value } })) },
      ]),
    'privacy',
  );
  emulator.onIq('privacy', (connection, iq) => connection.reply(iq), 'tokens');
};
