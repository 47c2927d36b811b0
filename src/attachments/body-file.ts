import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * An attachment's body goes to a file, never into one Buffer: a 100 MB document then costs the
 * process a few 64 KiB chunks instead of 100 MB (twice, while Buffer.concat copies), and Baileys
 * reads the file as a stream when it encrypts and uploads it.
 */

/** A fresh path for one body in `dir` (the system's temporary folder by default). */
export function newBodyPath(dir: string = tmpdir()): string {
  return join(dir, `wa-connector-attachment-${randomUUID()}`);
}

/** Deletes a body file; one that was never created is fine. */
export async function removeBody(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * Checks every chunk before it is written; throwing refuses the body (the download stops, the
 * error is what `saveBody` rejects with).
 */
export type ChunkCheck = (chunk: Buffer, receivedSoFar: number) => void;

/**
 * Streams a response body into `path` with backpressure. Settles only once the file is closed, so
 * the caller can delete it without a late write bringing it back. Resolves with the size.
 */
export async function saveBody(res: IncomingMessage, path: string, check: ChunkCheck): Promise<number> {
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        check(chunk, received + chunk.length);
      } catch (error) {
        done(error as Error);
        return;
      }
      received += chunk.length;
      done(null, chunk);
    },
  });
  const file = createWriteStream(path);
  try {
    await pipeline(res, meter, file);
    return received;
  } finally {
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
  }
}
