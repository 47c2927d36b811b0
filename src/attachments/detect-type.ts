import { fileTypeFromBuffer } from 'file-type';
import type { MediaKind } from '../domain/limits.js';

/**
 * What a file is, judged from its bytes only. The URL's extension and the server's Content-Type
 * are what someone claims; the magic bytes are what WhatsApp's clients will actually try to open.
 */
export interface DetectedType {
  /** e.g. `image/png`, `audio/ogg; codecs=opus`, `text/plain`, `application/octet-stream` */
  mimeType: string;
  /** Without the dot (`png`); absent when the bytes say nothing (`application/octet-stream`). */
  extension?: string;
  /** How WhatsApp can show it: image, video or audio when it plays it inline, else document. */
  kind: MediaKind;
}

/**
 * The types WhatsApp shows inline, per kind (the formats its clients and the Cloud API accept).
 * GIF is deliberately not here: WhatsApp's clients send GIFs as short MP4 videos, and raw GIF
 * bytes in an image message arrive as a still picture, so a GIF goes as a document and stays
 * animated when opened. WebP counts as an image (a sticker is a different message type).
 * Only Opus counts as Ogg audio: Vorbis, FLAC or Speex in Ogg do not play as WhatsApp audio.
 */
const kindByMimeType: Readonly<Record<string, MediaKind>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'video/mp4': 'video',
  'video/3gpp': 'video',
  'audio/ogg; codecs=opus': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/aac': 'audio',
  'audio/amr': 'audio',
};

/** Names file-type uses that WhatsApp knows under another. */
const canonicalMimeTypes: Readonly<Record<string, string>> = {
  'audio/x-m4a': 'audio/mp4',
};

export const octetStream = 'application/octet-stream';

/**
 * Detects the type of a file from its first bytes, falling back to `text/plain` for UTF-8 text
 * and `application/octet-stream` for anything else unknown.
 *
 * @example await detectType(pngBytes) // { mimeType: 'image/png', extension: 'png', kind: 'image' }
 */
export async function detectType(bytes: Uint8Array): Promise<DetectedType> {
  const found = await fileTypeFromBuffer(bytes);
  if (found !== undefined) {
    const mimeType = canonicalMimeTypes[found.mime] ?? found.mime;
    return { mimeType, extension: found.ext, kind: mediaKindOf(mimeType) };
  }
  if (isUtf8Text(bytes)) return { mimeType: 'text/plain', extension: 'txt', kind: 'document' };
  return { mimeType: octetStream, kind: 'document' };
}

/**
 * The kind WhatsApp shows a MIME type as; anything it cannot show inline is a document.
 *
 * @example mediaKindOf('video/mp4') // 'video'
 * @example mediaKindOf('image/gif') // 'document'
 */
export function mediaKindOf(mimeType: string): MediaKind {
  return kindByMimeType[mimeType.toLowerCase()] ?? 'document';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Non-empty, valid UTF-8, and free of the control characters that only binary data has
 * (tab, line feed, form feed, carriage return and escape are fine).
 */
export function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) || byte === 0x7f) {
      return false;
    }
  }
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
