import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { samplePng } from '../../src/attachments/test-support.js';
import { toBaileysContent } from '../../src/engines/baileys/content.js';
import type { BaileysClient } from './baileys-client.js';
import { downloadMedia, mediaAgent, startEmulator, type WaEmulator } from './index.js';
import { linkedClient } from './linked-client.js';

const ANNA = '79005550101';
const annaJid = `${ANNA}@s.whatsapp.net`;
let emulator: WaEmulator;
let client: BaileysClient;

before(async () => {
  emulator = await startEmulator();
  emulator.addAccount(ANNA);
  client = await linkedClient(emulator, '79001112233', { socket: { fetchAgent: mediaAgent(emulator) } });
});
after(async () => {
  await client.stop();
  await emulator.close();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

test('an image with a caption is uploaded encrypted and the recipient decrypts the same bytes', async () => {
  const image = samplePng();
  const sent = await client.sock.sendMessage(annaJid, { image, mimetype: 'image/png', caption: 'Your referral' });
  const received = await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA);
  const imageMessage = received.message.imageMessage;
  assert.equal(received.stanza.type, 'media');
  assert.equal(imageMessage?.mimetype, 'image/png');
  assert.equal(imageMessage?.caption, 'Your referral');
  assert.equal(Number(imageMessage?.fileLength), image.length);
  assert.equal(sha256(await downloadMedia(emulator, received.message)), sha256(image));
});

test('a PDF document keeps its file name and type, and decrypts to the bytes sent', async () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const sent = await client.sock.sendMessage(annaJid, {
    document: pdf,
    mimetype: 'application/pdf',
    fileName: 'appointment-2026-11-25.pdf',
    caption: 'Details attached',
  });
  const received = await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA);
  const document = received.message.documentMessage ?? received.message.documentWithCaptionMessage?.message?.documentMessage;
  assert.equal(document?.mimetype, 'application/pdf');
  assert.equal(document?.fileName, 'appointment-2026-11-25.pdf');
  assert.equal(document?.caption, 'Details attached');
  assert.equal(Number(document?.fileLength), pdf.length);
  assert.deepEqual(await downloadMedia(emulator, { documentMessage: document }), pdf);
});

test('a tampered upload is caught when the recipient decrypts it', async () => {
  const sent = await client.sock.sendMessage(annaJid, { document: Buffer.from('original'), mimetype: 'text/plain', fileName: 'a.txt' });
  const received = await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA);
  const document = received.message.documentMessage!;
  const tampered = { ...document, fileEncSha256: Buffer.alloc(32) };
  await assert.rejects(downloadMedia(emulator, { documentMessage: tampered }), /hash mismatch/);
});

test('a document the engine hands over as a file on disk is streamed, uploaded and decrypts to the same bytes', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'send-media-'));
  try {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const path = join(directory, 'scan');
    await writeFile(path, bytes);
    const media = { kind: 'document' as const, path, size: bytes.length, mimeType: 'application/octet-stream', fileName: 'scan.bin' };
    const { jid, content } = toBaileysContent({ type: 'media', chat: annaJid, media });
    const sent = await client.sock.sendMessage(jid, content);
    const received = await emulator.inbox.waitFor((m) => m.id === sent?.key.id && m.recipient === ANNA);
    const document = received.message.documentMessage;
    assert.equal(document?.fileName, 'scan.bin');
    assert.equal(Number(document?.fileLength), bytes.length);
    assert.equal(sha256(await downloadMedia(emulator, received.message)), sha256(bytes));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
