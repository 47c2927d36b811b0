import { S_WHATSAPP_NET, type BinaryNode } from 'baileys';
import type { EmulatorModule } from './emulator.js';

const now = () => String(Math.floor(Date.now() / 1000));

/**
 * Logging in with saved credentials: the client's phone number and device must be a linked
 * companion and its Noise key the one it linked with; otherwise the server answers `failure 401`,
 * as WhatsApp does for a device that was removed. After `success` the server reports no offline
 * messages, so the client stops buffering events. A device that is still online on another socket
 * loses that one: `<stream:error><conflict type="replaced"/></stream:error>`, which Baileys reads
 * as `connectionReplaced` (440), then the close.
 */
export const login: EmulatorModule = (emulator) => {
  emulator.onHandshake('login', (connection, { payload, clientStatic }) => {
    // Frames are handled in a queue: the socket may have closed while this one waited its turn.
    if (connection.closed) return;
    if (emulator.faults.dropLogins) return connection.drop();
    const account = emulator.accounts.byPhoneNumber(String(payload.username ?? ''));
    const companion = account?.companions.get(Number(payload.device ?? -1));
    if (!account || !companion || companion.loggedOut || !Buffer.from(companion.noisePublic).equals(Buffer.from(clientStatic))) {
      connection.send({ tag: 'failure', attrs: { reason: '401', location: 'emulator' } });
      setTimeout(() => connection.drop(), 20);
      return;
    }
    connection.login = { account, companion };
    connection.send({
      tag: 'success',
      attrs: { t: now(), lid: `${account.lid}:${companion.deviceId}@lid`, props: '1', abprops: '1', location: 'emulator', creation: now() },
    });
    connection.send({ tag: 'ib', attrs: { from: S_WHATSAPP_NET }, content: [{ tag: 'offline', attrs: { count: '0' } }] });
    // One socket per device: the newest login wins, and each earlier socket hears why it is closed.
    for (const earlier of emulator.deviceSockets.loggedIn(connection.deviceJid, connection)) {
      earlier.streamError(undefined, [{ tag: 'conflict', attrs: { type: 'replaced' } }]);
    }
  });

  // Prekeys the client keeps on the server: how many are left, uploads, and the digest check.
  emulator.onIq(
    'encrypt',
    (connection, iq) => {
      const uploaded = connection.login?.companion.uploadedPreKeys ?? 0;
      connection.reply(iq, [{ tag: 'count', attrs: { value: String(uploaded) } }]);
    },
    'count',
  );
  emulator.onIq(
    'encrypt',
    (connection, iq) => {
      const list = iq.content instanceof Array ? iq.content.find((c: BinaryNode) => c.tag === 'list') : undefined;
      const added = Array.isArray(list?.content) ? list.content.length : 0;
      if (connection.login) connection.login.companion.uploadedPreKeys += added;
      connection.reply(iq);
    },
    'registration',
  );
  emulator.onIq('encrypt', (connection, iq) => connection.reply(iq, [{ tag: 'digest', attrs: {} }]), 'digest');
  // The companion unlinks itself (Baileys' `logout()`): it is gone from the account's devices.
  emulator.onIq(
    'md',
    (connection, iq) => {
      if (connection.login) connection.login.companion.loggedOut = true;
      connection.reply(iq);
    },
    'remove-companion-device',
  );
  emulator.onIq('passive', (connection, iq) => connection.reply(iq));
  emulator.onIq('w:p', (connection, iq) => connection.reply(iq));
};
