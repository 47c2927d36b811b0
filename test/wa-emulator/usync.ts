import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from 'baileys';
import type { Account } from './accounts.js';
import type { EmulatorModule } from './emulator.js';

/** Builds one protocol's answer for one user; `undefined` leaves the protocol out. */
type ProtocolAnswer = (account: Account | undefined) => BinaryNode | undefined;

/** Devices other than the phone carry their ADV key index; clients skip them without one. */
const deviceNode = (id: number): BinaryNode => ({ tag: 'device', attrs: id === 0 ? { id: '0' } : { id: String(id), 'key-index': String(id) } });

const protocols: Record<string, ProtocolAnswer> = {
  contact: (account) => ({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } }),
  devices: (account) =>
    account && {
      tag: 'devices',
      attrs: {},
      content: [{ tag: 'device-list', attrs: {}, content: account.deviceIds().map(deviceNode) }],
    },
  lid: (account) => account && { tag: 'lid', attrs: { val: account.lidJid } },
};

/**
 * User sync: whether numbers are on WhatsApp (contact), their devices and LIDs. Users are asked
 * by JID or, for `contact`, by `+phone`; a number without an account is `contact type="out"`.
 */
export const usync: EmulatorModule = (emulator) => {
  emulator.onIq('usync', (connection, iq) => {
    const request = getBinaryNodeChild(iq, 'usync');
    const asked = (getBinaryNodeChild(request, 'query')?.content as BinaryNode[] | undefined) ?? [];
    const users = getBinaryNodeChildren(getBinaryNodeChild(request, 'list'), 'user').map((user) => {
      const byPhone = getBinaryNodeChild(user, 'contact')?.content;
      const key = byPhone ? Buffer.from(byPhone as Uint8Array).toString() : user.attrs.jid!;
      const found = emulator.accounts.resolve(key)?.account;
      const account = found && !emulator.faults.refusedNumbers.has(found.phone) ? found : undefined;
      const jid = user.attrs.jid ?? `${key.replace(/\D/g, '')}@s.whatsapp.net`;
      const content = asked.map((protocol) => protocols[protocol.tag]?.(account)).filter((node) => node !== undefined);
      return { tag: 'user', attrs: { jid }, content };
    });
    connection.reply(iq, [
      {
        tag: 'usync',
        attrs: { ...request?.attrs },
        content: [
          { tag: 'result', attrs: {} },
          { tag: 'list', attrs: {}, content: users },
        ],
      },
    ]);
  });
};
