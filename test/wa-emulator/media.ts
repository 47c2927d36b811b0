import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMediaKeys, type MediaType, type proto } from 'baileys';
import type { EmulatorModule, WaEmulator } from './emulator.js';

/** A self-signed certificate for 127.0.0.1, made per test process with the system's openssl. */
function loopbackCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'wa-emulator-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The upload host: encrypted blobs by direct path, and the agent that trusts its certificate. */
class MediaHost {
  readonly blobs = new Map<string, Buffer>();
  readonly agent: Agent;
  private readonly server: Server;
  private readonly credentials = loopbackCertificate();
  hostname = '';

  /** The self-signed certificate, PEM: what a client outside this process must trust. */
  get certificatePem(): string {
    return this.credentials.cert.toString('utf8');
  }

  constructor() {
    this.agent = new Agent({ ca: this.credentials.cert });
    this.server = createServer(this.credentials, (request, response) => {
      const url = new URL(request.url ?? '/', 'https://upload');
      if (request.method === 'GET') return this.serve(request.url ?? '/', response);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const token = url.searchParams.get('token') ?? '';
        // The client names the upload by the hash of the encrypted file; a mismatch is refused.
        const hash = createHash('sha256').update(body).digest('base64url');
        if (request.method !== 'POST' || !url.searchParams.get('auth') || hash !== token.replace(/=+$/, '')) {
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad upload' }));
          return;
        }
        const directPath = `/v/t62.7118-24/${hash}.enc?ccb=11-4`;
        this.blobs.set(directPath, body);
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ url: `https://${this.hostname}${directPath}`, direct_path: directPath }));
      });
    });
  }

  /** A download by direct path, as WhatsApp's media host answers it: the blob, or 404 once it is gone. */
  private serve(directPath: string, response: ServerResponse): void {
    const blob = this.blobs.get(directPath);
    if (!blob) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) }).end(blob);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.hostname = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const hosts = new WeakMap<WaEmulator, MediaHost>();

function hostOf(emulator: WaEmulator): MediaHost {
  const host = hosts.get(emulator);
  if (!host) throw new Error('the media module is not installed');
  return host;
}

/** The HTTPS agent a client needs to upload to this emulator (Baileys' `fetchAgent`). */
export function mediaAgent(emulator: WaEmulator): Agent {
  return hostOf(emulator).agent;
}

/**
 * The media host's self-signed certificate (PEM), for a client in another process: Node trusts it
 * through `NODE_EXTRA_CA_CERTS`, since no `fetchAgent` can be handed across.
 */
export function mediaCertificate(emulator: WaEmulator): string {
  return hostOf(emulator).certificatePem;
}

/** Media messages and the key-derivation type of each. */
const MEDIA_FIELDS: Record<string, MediaType> = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

/**
 * Downloads and decrypts a media message as the recipient's phone does: the stored blob must hash
 * to `fileEncSha256`, its MAC must check with the key derived from `mediaKey`, and the plaintext
 * must hash to `fileSha256` and have `fileLength` bytes.
 */
export async function downloadMedia(emulator: WaEmulator, message: proto.IMessage): Promise<Buffer> {
  const field = Object.keys(MEDIA_FIELDS).find((name) => message[name as keyof proto.IMessage]);
  if (!field) throw new Error('not a media message');
  const media = message[field as keyof proto.IMessage] as proto.Message.IImageMessage;
  const blob = hostOf(emulator).blobs.get(media.directPath ?? '');
  if (!blob || !media.mediaKey) throw new Error('the media was never uploaded');
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
  if (!sha256(blob).equals(Buffer.from(media.fileEncSha256 ?? []))) throw new Error('encrypted file hash mismatch');

  const { iv, cipherKey, macKey } = await getMediaKeys(media.mediaKey, MEDIA_FIELDS[field]!);
  const ciphertext = blob.subarray(0, -10);
  const mac = createHmac('sha256', macKey!).update(iv).update(ciphertext).digest().subarray(0, 10);
  if (!mac.equals(blob.subarray(-10))) throw new Error('media MAC mismatch');
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (!sha256(plaintext).equals(Buffer.from(media.fileSha256 ?? []))) throw new Error('file hash mismatch');
  if (Number(media.fileLength) !== plaintext.length) throw new Error('file length mismatch');
  return plaintext;
}

/**
 * Uploads a file as a phone does before it sends it: encrypted with a fresh media key (AES-256-CBC,
 * then the first ten bytes of an HMAC-SHA256 over iv ‖ ciphertext), kept by the media host under a
 * direct path; answers the fields the media message carries.
 */
export async function uploadFromPhone(emulator: WaEmulator, type: MediaType, file: Buffer): Promise<proto.Message.IImageMessage> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, type);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(file), cipher.final()]);
  const blob = Buffer.concat([ciphertext, createHmac('sha256', macKey!).update(iv).update(ciphertext).digest().subarray(0, 10)]);
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
  const host = hostOf(emulator);
  const directPath = `/v/t62.7118-24/${sha256(blob).toString('base64url')}.enc?ccb=11-4`;
  host.blobs.set(directPath, blob);
  return { url: `https://${host.hostname}${directPath}`, directPath, mediaKey, fileEncSha256: sha256(blob), fileSha256: sha256(file), fileLength: file.length };
}

/** Forgets every uploaded file, as WhatsApp's media host does after a while. */
export function expireMedia(emulator: WaEmulator): void {
  hostOf(emulator).blobs.clear();
}

/** Media: `media_conn` names the loopback HTTPS upload host, which keeps what is uploaded. */
export const media: EmulatorModule = (emulator) => {
  const host = new MediaHost();
  hosts.set(emulator, host);
  emulator.onLifecycle(() => host.start(), () => host.stop());
  emulator.onIq(
    'w:m',
    (connection, iq) =>
      connection.reply(iq, [
        {
          tag: 'media_conn',
          attrs: { auth: 'emulator-upload-token', ttl: '300', auth_ttl: '21600', max_buckets: '12' },
          content: [{ tag: 'host', attrs: { hostname: host.hostname, maxContentLengthBytes: String(100 * 1024 * 1024) } }],
        },
      ]),
    'media_conn',
  );
};
