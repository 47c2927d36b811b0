import { connect, type Socket } from 'node:net';

/** One HTTP answer as it came over the wire. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed when it is JSON. */
  json: Record<string, unknown> | undefined;
}

export interface RawConnection {
  socket: Socket;
  /** Sends bytes as they are: half a request, a malformed one. */
  write(text: string): void;
  /** The first answer on the connection (waits for its whole body). */
  response(timeoutMs?: number): Promise<RawResponse>;
  /** Resolves when the server closes (or resets) the connection. */
  readonly closed: Promise<void>;
  close(): void;
}

/**
 * A plain TCP connection to a service, for what `fetch` cannot do: hold a request half-sent, send
 * malformed HTTP, watch the server close the connection.
 *
 * @example const raw = await openRaw(service.url); raw.write('POST /v1/sessions HTTP/1.1\r\n');
 */
export async function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {
    // A reset is one way for the server to close; `closed` reports it.
  });
  let received = Buffer.alloc(0);
  let onData = () => {};
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    onData();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    write: (text) => void socket.write(text),
    closed,
    close: () => socket.destroy(),
    response(timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(received.toString())}`)), timeoutMs);
        const check = () => {
          const parsed = parse(received);
          if (!parsed) return;
          clearTimeout(timer);
          resolve(parsed);
        };
        onData = check;
        void closed.then(() => {
          check();
          clearTimeout(timer);
          reject(new Error(`closed without a complete answer; got ${JSON.stringify(received.toString())}`));
        });
        check();
      });
    },
  };
}

function parse(bytes: Buffer): RawResponse | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(end + 4);
  if (body.length < length) return undefined;
  const text = body.subarray(0, length).toString('utf8');
  const isJson = /json/.test(headers['content-type'] ?? '');
  return { status: Number(statusLine.split(' ')[1]), headers, body: text, json: isJson && text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}
