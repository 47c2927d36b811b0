import { getBinaryNodeChildren, type BinaryNode } from 'baileys';
import type { EmulatorModule } from './emulator.js';

/** A big-endian unsigned integer of `bytes` bytes, as key ids and registration ids travel. */
const bigEndian = (value: number, bytes: number) => {
  const out = Buffer.alloc(bytes);
  out.writeUIntBE(value, 0, bytes);
  return out;
};

/** Signal's public keys travel without their 0x05 type byte. */
const bare = (key: Buffer) => key.subarray(1);

/** KEY_BUNDLE_TYPE: Curve25519 keys. */
const KEY_TYPE = Buffer.from([5]);

/**
 * Prekey bundles (`encrypt` get `key`): for each asked device JID, its identity, signed prekey
 * and one one-time prekey, so the client can open a Signal session with that device.
 */
export const prekeys: EmulatorModule = (emulator) => {
  emulator.onIq(
    'encrypt',
    (connection, iq, keyRequest) => {
      const users = getBinaryNodeChildren(keyRequest, 'user').map((user): BinaryNode => {
        const jid = user.attrs.jid!;
        const found = emulator.accounts.resolve(jid);
        const device = found?.account.devices.get(found.device);
        if (!device) return { tag: 'user', attrs: { jid }, content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }] };
        const bundle = device.takePreKeyBundle();
        const content: BinaryNode[] = [
          { tag: 'registration', attrs: {}, content: bigEndian(bundle.registrationId, 4) },
          { tag: 'type', attrs: {}, content: KEY_TYPE },
          { tag: 'identity', attrs: {}, content: bare(bundle.identityKey) },
          {
            tag: 'skey',
            attrs: {},
            content: [
              { tag: 'id', attrs: {}, content: bigEndian(bundle.signedPreKey.keyId, 3) },
              { tag: 'value', attrs: {}, content: bare(bundle.signedPreKey.publicKey) },
              { tag: 'signature', attrs: {}, content: bundle.signedPreKey.signature },
            ],
          },
        ];
        if (bundle.preKey) {
          content.push({
            tag: 'key',
            attrs: {},
            content: [
              { tag: 'id', attrs: {}, content: bigEndian(bundle.preKey.keyId, 3) },
              { tag: 'value', attrs: {}, content: bare(bundle.preKey.publicKey) },
            ],
          });
        }
        return { tag: 'user', attrs: { jid }, content };
      });
      connection.reply(iq, [{ tag: 'list', attrs: {}, content: users }]);
    },
    'key',
  );
};
