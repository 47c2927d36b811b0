import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { get, type Agent } from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { getMediaKeys, normalizeMessageContent, type MediaType, type proto, type WAMessage } from 'baileys';
import { ConnectorError } from '../../domain/errors.js';
import type { MediaDownload } from '../engine.js';

/** WhatsApp's media host, where a message's `directPath` points when it names no other. */
const defaultHost = 'mmg.whatsapp.net';
const macLength = 10;

const parts: [keyof proto.IMessage, MediaType][] = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
];

type MediaPart = proto.Message.IDocumentMessage & proto.Message.IImageMessage;

/**
 * Downloads a media message's encrypted file from WhatsApp's media host and decrypts it as it
 * streams (AES-256-CBC with keys derived from the message's `mediaKey`); the trailing MAC is checked
 * at the end, and a file that fails it ends the stream with an error instead of its last bytes.
 *
 * @example const { stream, mimeType } = await openReceivedMedia(archived.raw, agent);
 */
export async function openReceivedMedia(raw: WAMessage, agent: Agent | undefined): Promise<MediaDownload> {
  const content = normalizeMessageContent(raw.message);
  const found = parts.find(([field]) => content?.[field]);
  const id = raw.key.id ?? '';
  if (!found) throw new ConnectorError('NO_MEDIA', `Message ${id} carries no file`, { id });
  const [field, type] = found;
  const part = content![field] as MediaPart;
  if (!part.mediaKey || !part.directPath) throw new ConnectorError('MEDIA_UNAVAILABLE', `The file of message ${id} was never uploaded`, { id });
  const host = part.url ? new URL(part.url).host : defaultHost;
  const keys = await getMediaKeys(part.mediaKey, type);
  const encrypted = await fetchBlob(`https://${host}${part.directPath}`, agent, id);
  const size = part.fileLength === undefined || part.fileLength === null ? undefined : Number(part.fileLength);
  return {
    mimeType: part.mimetype ?? 'application/octet-stream',
    ...(part.fileName ? { fileName: part.fileName } : {}),
    ...(size === undefined ? {} : { size }),
    stream: encrypted.pipe(decryption(keys)),
  };
}

function fetchBlob(url: string, agent: Agent | undefined, id: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ...(agent ? { agent } : {}), headers: { origin: 'https://web.whatsapp.com' } }, (response) => {
      if (response.statusCode === 200) return resolve(response);
      response.resume();
      // WhatsApp keeps media for a while only; after that its host answers 404 or 410.
      reject(new ConnectorError('MEDIA_UNAVAILABLE', `WhatsApp's media host no longer has the file of message ${id} (HTTP ${response.statusCode})`, { id, status: response.statusCode }));
    });
    request.on('error', (error) => reject(new ConnectorError('ENGINE_ERROR', `The file of message ${id} could not be downloaded: ${error.message}`, { id })));
  });
}

/** Decrypts ciphertext ‖ MAC[10]: everything but the last ten bytes passes through the cipher and the HMAC. */
function decryption({ iv, cipherKey, macKey }: { iv: Uint8Array; cipherKey: Uint8Array; macKey?: Uint8Array }): Transform {
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const mac = createHmac('sha256', macKey ?? new Uint8Array(0)).update(iv);
  let held = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const data = Buffer.concat([held, chunk]);
      const body = data.subarray(0, Math.max(0, data.length - macLength));
      held = data.subarray(body.length);
      mac.update(body);
      done(null, decipher.update(body));
    },
    flush(done) {
      const expected = mac.digest().subarray(0, macLength);
      if (held.length !== macLength || !timingSafeEqual(expected, held)) return done(new ConnectorError('ENGINE_ERROR', 'The downloaded file failed its integrity check'));
      try {
        done(null, decipher.final());
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
