import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BaileysClient } from './baileys-client.js';
import { startEmulator, type WaEmulator } from './index.js';
import { linkedClient } from './linked-client.js';

const OWNER = '79001112233';
const ANNA = '79005550101';
const annaJid = `${ANNA}@s.whatsapp.net`;
const ownerJid = `${OWNER}@s.whatsapp.net`;

let emulator: WaEmulator;
let client: BaileysClient;
before(async () => {
  emulator = await startEmulator();
  emulator.addAccount(ANNA, { name: 'Anna' });
  client = await linkedClient(emulator, OWNER);
});
after(async () => {
  await client.stop();
  await emulator.close();
});

const arrived = (id: string | null | undefined) => emulator.inbox.waitFor((m) => m.id === id && m.recipient === ANNA && m.device === 0);

test('a text to a 1:1 chat is decrypted by the recipient exactly as sent', async () => {
  const sent = await client.sock.sendMessage(annaJid, { text: 'Hello, Anna! Your appointment is tomorrow at 10:00.' });
  const received = await arrived(sent?.key.id);
  assert.equal(received.chat, ownerJid);
  assert.equal(received.message.conversation ?? received.message.extendedTextMessage?.text, 'Hello, Anna! Your appointment is tomorrow at 10:00.');
  assert.equal(received.encryption, 'pkmsg');
  assert.equal(received.stanza.type, 'text');
});
