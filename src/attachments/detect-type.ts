import { createReadStream } from 'node:fs';
import { fileTypeFromBuffer, fileTypeFromFile, type FileTypeResult } from 'file-type';
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
  return typeOf(await fileTypeFromBuffer(bytes), () => isUtf8Text(bytes));
}

/**
 * `detectType` for a file on disk: reads only the bytes the signatures need, and streams the file
 * once more for the text check when no signature matched.
 *
 * @example await detectFileType('/tmp/invoice') // { mimeType: 'application/pdf', extension: 'pdf', kind: 'document' }
 */
export async function detectFileType(path: string): Promise<DetectedType> {
  return typeOf(await fileTypeFromFile(path), () => isUtf8File(path));
}

async function typeOf(found: FileTypeResult | undefined, isText: () => boolean | Promise<boolean>): Promise<DetectedType> {
  if (found !== undefined) {
    const mimeType = canonicalMimeTypes[found.mime] ?? found.mime;
    return { mimeType, extension: found.ext, kind: mediaKindOf(mimeType) };
  }
  if (await isText()) return { mimeType: 'text/plain', extension: 'txt', kind: 'document' };
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

/**
 * Non-empty, valid UTF-8, and free of the control characters that only binary data has
 * (tab, line feed, form feed, carriage return and escape are fine).
 */
export function isUtf8Text(bytes: Uint8Array): boolean {
  const check = new TextCheck();
  return check.push(bytes) && check.end();
}

/** `isUtf8Text` for a file, read in chunks; stops at the first byte that is not text. */
async function isUtf8File(path: string): Promise<boolean> {
  const check = new TextCheck();
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) if (!check.push(chunk as Buffer)) return false;
    return check.end();
  } finally {
    stream.destroy();
  }
}

/** The text check over chunks: a character split between two chunks is decoded whole. */
class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private length = 0;

  push(bytes: Uint8Array): boolean {
    this.length += bytes.length;
    for (const byte of bytes) {
      if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) || byte === 0x7f) {
        return false;
      }
    }
    return this.decodes(bytes, true);
  }

  end(): boolean {
    return this.length > 0 && this.decodes(new Uint8Array(0), false);
  }

  private decodes(bytes: Uint8Array, more: boolean): boolean {
    try {
      this.decoder.decode(bytes, { stream: more });
      return true;
    } catch {
      return false;
    }
  }
}
