import type { MediaKind } from '../../domain/limits.js';

/** Raster types a browser draws and no script can hide in (SVG can carry one, so it is left out). */
const pictureTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** A larger image is described, not shown: the sandbox is for looking at chats, not for storing files. */
export const maxPictureBytes = 2 * 1024 * 1024;

/** Whether the network keeps the bytes of this file so that the /sandbox page can draw it. */
export function isShownPicture(media: { kind: MediaKind; mimeType: string; size: number }): boolean {
  return media.kind === 'image' && pictureTypes.has(media.mimeType.toLowerCase()) && media.size <= maxPictureBytes;
}

export interface Picture {
  mimeType: string;
  bytes: Uint8Array;
}

/**
 * The bytes of the images sent through the network, by SHA-256 (the same picture sent twice is
 * kept once), for the /sandbox page. Past `budgetBytes` the least recently sent ones are dropped,
 * and the page describes them instead.
 *
 * @example shelf.keep(media, bytes); shelf.get(media.sha256)?.mimeType // 'image/png'
 */
export class PictureShelf {
  private readonly pictures = new Map<string, Picture>();
  private heldBytes = 0;

  constructor(private readonly budgetBytes = 32 * maxPictureBytes) {}

  keep(media: { kind: MediaKind; mimeType: string; sha256: string }, bytes: Uint8Array): void {
    if (!isShownPicture({ ...media, size: bytes.byteLength })) return;
    this.drop(media.sha256);
    this.pictures.set(media.sha256, { mimeType: media.mimeType.toLowerCase(), bytes });
    this.heldBytes += bytes.byteLength;
    for (const sha256 of this.pictures.keys()) {
      if (this.heldBytes <= this.budgetBytes) break;
      this.drop(sha256);
    }
  }

  get(sha256: string): Picture | undefined {
    return this.pictures.get(sha256);
  }

  private drop(sha256: string): void {
    const picture = this.pictures.get(sha256);
    if (!picture) return;
    this.pictures.delete(sha256);
    this.heldBytes -= picture.bytes.byteLength;
  }
}
