import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proto } from 'baileys';
import { digitsOf, type Account } from './accounts.js';
import { dropConnection, logOutDevice } from './device-control.js';
import type { WaEmulator } from './emulator.js';
import type { ReceivedMessage } from './inbox.js';
import { scanQr } from './linking.js';
import { sendReceipt } from './messages.js';
import { enterPairingCode } from './pairing-code.js';

type JsonObject = Record<string, unknown>;

/** A request the control API refuses, with the status it answers. */
class ControlError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new ControlError(400, message);
const notFound = (message: string) => new ControlError(404, message);

/** One message as `GET /inbox` answers it: the inbox entry with its protobuf as plain JSON. */
export interface InboxEntry {
  id: string;
  chat: string;
  sender: string;
  stanza: ReceivedMessage['stanza'];
  encryption: string;
  receivedAt: string;
  message: JsonObject;
}

/** The running control server. */
export interface ControlApi {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

interface RouteRequest {
  body: JsonObject;
  query: URLSearchParams;
}

type Route = (emulator: WaEmulator, request: RouteRequest) => unknown;

/** A required string field; blank counts as missing. */
function text(fields: JsonObject, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${name} is required (a string)`);
  return value;
}

function phoneIn(fields: JsonObject): string {
  const phone = digitsOf(text(fields, 'phone'));
  if (phone === '') throw badRequest('phone must contain digits');
  return phone;
}

function accountOf(emulator: WaEmulator, phone: string): Account {
  const account = emulator.accounts.byPhoneNumber(phone);
  if (!account) throw notFound(`${phone} has no account on the emulator`);
  return account;
}

/** Ids of the companions linked to `account` and not logged out. */
const linkedDeviceIds = (account: Account) => [...account.companions.values()].filter((c) => !c.loggedOut).map((c) => c.deviceId);

/** Bytes as base64, at any depth: a JSON answer must never spell a buffer out as an array of numbers. */
function base64Bytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(base64Bytes);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, base64Bytes(inner)]));
  return value;
}

/** The decrypted protobuf as JSON: 64-bit numbers as numbers, enums by name, bytes in base64. */
export function messageToJson(message: proto.IMessage): JsonObject {
  const object = proto.Message.toObject(proto.Message.fromObject(message), { longs: Number, enums: String, bytes: String });
  return base64Bytes(object) as JsonObject;
}

function inboxEntry(message: ReceivedMessage): InboxEntry {
  return {
    id: message.id,
    chat: message.chat,
    sender: message.sender,
    stanza: message.stanza,
    encryption: message.encryption,
    receivedAt: message.receivedAt.toISOString(),
    message: messageToJson(message.message),
  };
}

const routes: Record<string, Route> = {
  'POST /accounts': (emulator, { body }) => {
    const name = body.name;
    if (name !== undefined && typeof name !== 'string') throw badRequest('name must be a string');
    const account = emulator.addAccount(phoneIn(body), name ? { name } : {});
    return { phone: account.phone, lid: account.lid };
  },

  'POST /scan': async (emulator, { body }) => {
    const phone = phoneIn(body);
    const qr = text(body, 'qr');
    emulator.addAccount(phone);
    return scanQr(emulator, phone, qr);
  },

  'POST /pairing-code': async (emulator, { body }) => {
    const phone = phoneIn(body);
    const code = text(body, 'code');
    const account = emulator.addAccount(phone);
    const before = new Set(account.companions.keys());
    await enterPairingCode(emulator, phone, code);
    // enterPairingCode resolves once linked but does not say as which device: the new companion is it.
    return { deviceId: [...account.companions.keys()].find((id) => !before.has(id)) };
  },

  'POST /receipts': async (emulator, { body }) => {
    const id = text(body, 'id');
    const type = body.type;
    if (type !== 'delivery' && type !== 'read') throw badRequest("type must be 'delivery' or 'read'");
    // The copy on the sender's own phone is not a recipient's: it sends no receipt back.
    const isSendersOwnPhone = (m: ReceivedMessage) => emulator.accounts.resolve(m.sender)?.account.phone === m.recipient;
    const byRecipient = new Map<string, ReceivedMessage>();
    for (const m of emulator.inbox.all()) {
      if (m.id === id && m.device === 0 && !isSendersOwnPhone(m) && !byRecipient.has(m.recipient)) byRecipient.set(m.recipient, m);
    }
    if (byRecipient.size === 0) throw notFound(`no recipient has decrypted message ${id}`);
    const receipts: { phone: string; sent: boolean }[] = [];
    for (const [phone, message] of byRecipient) receipts.push({ phone, sent: await sendReceipt(emulator, message, type) });
    return { receipts };
  },

  'POST /logout': (emulator, { body }) => {
    const account = accountOf(emulator, phoneIn(body));
    const { deviceId } = body;
    if (deviceId === undefined) {
      const loggedOut = linkedDeviceIds(account);
      for (const id of loggedOut) logOutDevice(emulator, account, id);
      return { loggedOut };
    }
    if (typeof deviceId !== 'number' || !Number.isInteger(deviceId)) throw badRequest('deviceId must be an integer');
    if (!account.companions.has(deviceId)) throw notFound(`${account.phone} has no linked device ${deviceId}`);
    logOutDevice(emulator, account, deviceId);
    return { loggedOut: [deviceId] };
  },

  'POST /drop': (emulator, { body }) => {
    const account = accountOf(emulator, phoneIn(body));
    const dropped = linkedDeviceIds(account).filter((id) => emulator.connectionOf(account, id));
    for (const id of dropped) dropConnection(emulator, account, id);
    return { dropped };
  },

  /** Every device that ever logged in (or the companions of `phone`): how long two of its sockets were open at once. */
  'GET /overlaps': (emulator, { query }) => {
    if (!query.has('phone')) return { devices: emulator.deviceSockets.all() };
    const account = accountOf(emulator, phoneIn({ phone: query.get('phone') ?? undefined }));
    return { devices: [...account.companions.keys()].map((id) => emulator.overlapOf(account, id)) };
  },

  'GET /inbox': (emulator, { query }) => {
    const account = accountOf(emulator, phoneIn({ phone: query.get('phone') ?? undefined }));
    return { messages: emulator.inbox.of(account.phone).map(inboxEntry) };
  },
};

/** Control bodies are small; anything bigger is a mistake, not a command. */
const MAX_BODY_BYTES = 1024 * 1024;

async function jsonBody(request: IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw badRequest('the body is too large');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the body must be a JSON object');
  return parsed as JsonObject;
}

async function answer(emulator: WaEmulator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let status = 200;
  let result: unknown;
  try {
    const url = new URL(request.url ?? '/', 'http://control');
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) throw notFound(`no route ${request.method} ${url.pathname}`);
    const body = request.method === 'POST' ? await jsonBody(request) : {};
    result = await route(emulator, { body, query: url.searchParams });
  } catch (error) {
    // The emulator's own refusals (an expired QR, a wrong pairing code, a device not connected)
    // are plain errors about the request's premise: the caller gets them as a 400 with the reason.
    status = error instanceof ControlError ? error.status : 400;
    result = { error: error instanceof Error ? error.message : String(error) };
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(result));
}

/**
 * Starts the emulator's control server on 127.0.0.1 (`port`, ephemeral by default): plain HTTP
 * with JSON in and out, so a person or a script can play the phones of the emulated network
 * (add accounts, scan a QR, type a pairing code, send receipts, log devices out, drop sockets,
 * read what arrived and how long a device had two sockets open) while a service in another process
 * is the client.
 */
export async function startControlApi(emulator: WaEmulator, port = 0): Promise<ControlApi> {
  const server: Server = createServer((request, response) => void answer(emulator, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
