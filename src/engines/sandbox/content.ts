import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Location } from '../../domain/actions.js';
import { ConnectorError } from '../../domain/errors.js';
import { limits, type MediaSizeLimits } from '../../domain/limits.js';
import type { MessageStatus } from '../../domain/message.js';
import { fitsCaption } from '../../domain/rules.js';
import type { ContactPayload } from '../../domain/vcard.js';
import type { OutgoingMedia } from '../engine.js';
import { isShownPicture } from './pictures.js';
import type { StoredMedia, StoredMessage } from './store.js';

/** What a new message carries: the engine's outgoing content without its chat. */
/** The message a reply quotes, as its sender names it. */
export interface QuoteRef {
  chat: string;
  id: string;
  fromMe?: boolean;
}

export type NewContent =
  | { type: 'text'; text: string; quote?: QuoteRef }
  | { type: 'media'; media: OutgoingMedia | StoredMedia; caption?: string; quote?: QuoteRef }
  | { type: 'location'; location: Location }
  | { type: 'contacts'; contacts: ContactPayload[] };

export type MessageBody = Pick<StoredMessage, 'kind' | 'text' | 'media' | 'location' | 'contacts' | 'quoted'>;

/** A message, as the /sandbox page and the engines hear about it. */
export interface ChangedMessage {
  id: string;
  /** Sender JID. */
  from: string;
  /** The chat as the sender addressed it. */
  chat: string;
}

/** Something happened in conversation `key`; listeners re-read what they show. */
export type NetworkChange =
  | { type: 'chat'; key: string }
  | { type: 'message'; key: string; message: ChangedMessage }
  /** `id`: the edit's, reaction's or deletion's own message id; `message`: the message it changed. */
  | { type: 'edit' | 'reaction' | 'delete'; key: string; message: ChangedMessage; by: string; id: string }
  | { type: 'receipt'; key: string; message: ChangedMessage; status: MessageStatus };

export function changedMessage(message: StoredMessage): ChangedMessage {
  return { id: message.id, from: message.sender, chat: message.chat };
}

/** Checks new content against WhatsApp's limits and turns it into what the network keeps. */
export function messageBody(content: NewContent, sizeLimits: MediaSizeLimits): MessageBody {
  switch (content.type) {
    case 'text':
      assertTextFits(content.text, 'text');
      return { kind: 'text', text: content.text };
    case 'media': {
      const media = fingerprint(content.media);
      const { kind, fileName, size } = media;
      if (size === 0) throw new ConnectorError('VALIDATION_ERROR', `The ${kind} "${fileName}" is empty`, { fileName });
      if (size > sizeLimits[kind]) {
        throw new ConnectorError('ATTACHMENT_TOO_LARGE', `The ${kind} "${fileName}" has ${size} bytes; WhatsApp takes at most ${sizeLimits[kind]}`, {
          fileName,
          size,
          limit: sizeLimits[kind],
        });
      }
      const caption = content.caption === '' ? undefined : content.caption;
      if (caption !== undefined) assertTextFits(caption, 'caption');
      return { kind, text: caption, media };
    }
    case 'location': {
      const { latitude, longitude } = content.location;
      if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
        throw new ConnectorError('VALIDATION_ERROR', `(${latitude}, ${longitude}) is not a place on Earth`, { latitude, longitude });
      }
      return { kind: 'location', location: { ...content.location } };
    }
    case 'contacts':
      if (content.contacts.length === 0) throw new ConnectorError('VALIDATION_ERROR', 'A contact message needs at least one contact');
      return {
        kind: 'contact',
        contacts: content.contacts.map(({ displayName, vcard, phones }) => ({ displayName, vcard, phones: [...phones] })),
      };
  }
}

/**
 * What the network keeps of a file. A file on disk arrives already fingerprinted or read
 * (`readMediaFile`, by the engine, which may wait for the disk); bytes in memory are hashed here.
 */
function fingerprint(media: OutgoingMedia | StoredMedia): StoredMedia {
  const { kind, mimeType, fileName } = media;
  if ('sha256' in media) return { kind, mimeType, fileName, size: media.size, sha256: media.sha256 };
  if ('path' in media) throw new ConnectorError('INTERNAL', `The file of "${fileName}" reached the sandbox network unread`);
  return { kind, mimeType, fileName, size: media.bytes.byteLength, sha256: createHash('sha256').update(media.bytes).digest('hex') };
}

/**
 * Reads a media file as the network receives it: a picture the /sandbox page can draw whole (it
 * is small), anything else as its size and SHA-256 only.
 */
export async function readMediaFile(media: Extract<OutgoingMedia, { path: string }>): Promise<OutgoingMedia | StoredMedia> {
  if (!isShownPicture(media)) return hashMediaFile(media);
  const { kind, mimeType, fileName } = media;
  return { kind, mimeType, fileName, bytes: await readFile(media.path) };
}

/**
 * Reads a media file's size and SHA-256 in chunks, so a large document costs the sandbox no more
 * memory than it costs WhatsApp's servers.
 */
async function hashMediaFile(media: Extract<OutgoingMedia, { path: string }>): Promise<StoredMedia> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(media.path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { kind: media.kind, mimeType: media.mimeType, fileName: media.fileName, size, sha256: hash.digest('hex') };
}

/** Text up to 4096 characters, captions up to 1024; neither empty. */
export function assertTextFits(text: string, what: 'text' | 'caption'): void {
  if (text.length === 0) throw new ConnectorError('VALIDATION_ERROR', `The ${what} is empty`);
  const fits = what === 'caption' ? fitsCaption(text) : text.length <= limits.textMaxLength;
  if (!fits) {
    const max = what === 'caption' ? limits.captionMaxLength : limits.textMaxLength;
    throw new ConnectorError('VALIDATION_ERROR', `The ${what} has ${text.length} characters; WhatsApp takes at most ${max}`, { length: text.length, limit: max });
  }
}
