/**
 * Test helpers for the attachments folder (not part of its public door): sample files built in
 * memory, a file server on 127.0.0.1, and a guard that records every outgoing connection and
 * blocks any that would leave the loopback interface.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import diagnosticsChannel from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';

// ---------------------------------------------------------------- sample files

/** A valid PNG: 1×1 red, or a red-to-blue gradient of the size asked for (a picture to look at). */
export function samplePng(width = 1, height = 1): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndData));
    return Buffer.concat([length, typeAndData, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(gradientRows(width, height))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** RGBA rows, each after its filter byte (0): red at the top left, blue to the right, green downwards. */
function gradientRows(width: number, height: number): Buffer {
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y += 1) {
    const row = y * (1 + width * 4);
    for (let x = 0; x < width; x += 1) {
      const blue = Math.round((255 * x) / width);
      rows.set([255 - blue, Math.round((255 * y) / height), blue, 255], row + 1 + x * 4);
    }
  }
  return rows;
}

/** A JPEG (SOI + JFIF header), padded to `size` bytes. */
export function sampleJpeg(size = 64): Buffer {
  const head = Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const bytes = Buffer.alloc(Math.max(size, head.length + 2));
  head.copy(bytes);
  bytes.writeUInt16BE(0xffd9, bytes.length - 2);
  return bytes;
}

export function samplePdf(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
}

/** An MP4: an `ftyp` box (brand isom) and an empty `mdat`. */
export function sampleMp4(): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2', 'latin1')]);
  return Buffer.concat([ftyp, Buffer.from([0, 0, 0, 8]), Buffer.from('mdat', 'latin1')]);
}

/** The first Ogg page of an Opus stream (its OpusHead packet). */
export function sampleOggOpus(): Buffer {
  const opusHead = Buffer.alloc(19);
  opusHead.write('OpusHead', 0, 'latin1');
  opusHead.writeUInt8(1, 8); // version
  opusHead.writeUInt8(1, 9); // channels
  opusHead.writeUInt16LE(312, 10); // pre-skip
  opusHead.writeUInt32LE(48_000, 12); // input sample rate
  const page = Buffer.alloc(27);
  page.write('OggS', 0, 'latin1');
  page.writeUInt8(2, 5); // beginning of stream
  page.writeUInt32LE(0x1234, 14); // stream serial number
  page.writeUInt8(1, 26); // one segment
  return Buffer.concat([page, Buffer.from([opusHead.length]), opusHead]);
}

export function sampleGif(): Buffer {
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
}

export function sampleText(): Buffer {
  return Buffer.from('Order 42 is ready.\nЗаказ 42 готов.\n', 'utf8');
}

export function sampleBinary(): Buffer {
  return Buffer.from([0x00, 0x13, 0x37, 0xfe, 0xff, 0x00, 0x01]);
}

// ---------------------------------------------------------------- file server

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  url(path: string): string;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with an ephemeral port; unknown paths answer 404. */
export async function startServer(routes: Record<string, Handler>): Promise<TestServer> {
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const handler = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res);
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler that serves bytes with the given headers. */
export function serve(bytes: Buffer, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-length': String(bytes.length), ...headers }).end(bytes);
  };
}

/** How far a `slowStream` got: bytes written, whether it finished, and when its response closed. */
export interface StreamState {
  written: number;
  finished: boolean;
  closed?: Promise<unknown>;
}

/** A server writing `total` bytes in 64 KiB chunks, yielding between them; reports how far it got. */
export function slowStream(total: number, state: StreamState): Handler {
  return (_req, res) => {
    state.closed = once(res, 'close');
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const drainedOrClosed = (): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    void (async () => {
      while (state.written < total && !res.destroyed) {
        if (!res.write(chunk)) await drainedOrClosed();
        state.written += chunk.length;
        await nextTurn();
      }
      if (!res.destroyed) {
        res.end();
        state.finished = true;
      }
    })();
  };
}

// ---------------------------------------------------------------- connection guard

export interface ConnectionGuard {
  /** Client sockets created (by node:net) since the guard started. */
  sockets(): number;
  /** Destinations the guard stopped because they are not loopback. */
  blocked: string[];
  dispose(): void;
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Watches every client socket node:net creates in this process and blocks, before any packet is
 * sent, each one whose destination is not 127.0.0.1 or ::1. A safety net for tests that name
 * private or public addresses: even a bug in the code under test cannot reach them.
 */
export function guardConnections(): ConnectionGuard {
  let sockets = 0;
  const blocked: string[] = [];
  const onSocket = (message: unknown): void => {
    sockets += 1;
    const socket = (message as { socket: Socket }).socket;
    const connect = socket.connect.bind(socket) as (...args: unknown[]) => Socket;
    socket.connect = ((...args: unknown[]) => {
      const normalized = args[0];
      const options = (Array.isArray(normalized) ? normalized[0] : normalized) as {
        host?: string;
        lookup?: typeof dnsLookup;
      };
      const host = options.host ?? 'localhost';
      if (isIP(host) !== 0) {
        if (!loopback.has(host)) {
          blocked.push(host);
          process.nextTick(() => socket.destroy(new Error(`test guard: connection to ${host} blocked`)));
          return socket;
        }
      } else {
        options.lookup = guardedLookup(options.lookup ?? dnsLookup, blocked);
      }
      return connect(...args);
    }) as Socket['connect'];
  };
  diagnosticsChannel.subscribe('net.client.socket', onSocket);
  return {
    sockets: () => sockets,
    blocked,
    dispose: () => diagnosticsChannel.unsubscribe('net.client.socket', onSocket),
  };
}

function guardedLookup(lookup: typeof dnsLookup, blocked: string[]): typeof dnsLookup {
  const guarded = (hostname: string, options: object, callback: (...answer: unknown[]) => void): void => {
    (lookup as unknown as (h: string, o: object, cb: (...a: unknown[]) => void) => void)(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const answers = Array.isArray(address) ? (address as LookupAddress[]).map((a) => a.address) : [address as string];
      const outside = answers.filter((a) => !loopback.has(a));
      if (outside.length > 0) {
        blocked.push(...outside);
        callback(new Error(`test guard: connection to ${outside.join(', ')} blocked`), '', 0);
        return;
      }
      callback(null, address, family);
    });
  };
  return guarded as unknown as typeof dnsLookup;
}
