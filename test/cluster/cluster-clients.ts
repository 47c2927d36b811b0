// What the cluster tests do to the nodes over HTTP: link sessions through the emulator's scan, and
// send as a client that moves on to another node, with the same idempotency key, when one is gone.
import { call, openSse } from '../support/http.js';
import { logOutDevice } from '../wa-emulator/device-control.js';
import { scanQr, type WaEmulator } from '../wa-emulator/index.js';
import { clusterAdminKey, type NodeProcess } from './node-processes.js';

export interface LinkedSession {
  sessionId: string;
  token: string;
  phone: string;
}

/**
 * Links `phone` on `node`; a link that stalls (about 1 in 30 on a busy 2-core machine: the stream
 * shows `connecting` after the scan and never `connected`) is logged out and tried once more.
 */
export async function linkOn(node: NodeProcess, emulator: WaEmulator, phone: string): Promise<LinkedSession> {
  try {
    return await linkOnce(node, emulator, phone, 20_000);
  } catch (error) {
    console.log(`linking ${phone} on ${node.nodeId} stalled (${String(error)}); once more`);
    const account = emulator.accounts.byPhoneNumber(phone);
    if (account) for (const id of account.companions.keys()) logOutDevice(emulator, account, id);
    return linkOnce(node, emulator, phone, 60_000);
  }
}

async function linkOnce(node: NodeProcess, emulator: WaEmulator, phone: string, timeoutMs: number): Promise<LinkedSession> {
  const created = await call<{ sessionId: string }>(node.url, 'POST', '/v1/sessions', { token: clusterAdminKey, body: { label: phone } });
  if (created.status !== 201) throw new Error(`creating a session on ${node.nodeId} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const { sessionId } = created.body;
  const stream = await openSse(`${node.url}/v1/sessions/${sessionId}/link`);
  try {
    const qr = await stream.next('qr', timeoutMs);
    emulator.addAccount(phone);
    await scanQr(emulator, phone, String(qr.data.qr));
    const connected = await stream.next('connected', timeoutMs).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(stream.seen.filter((event) => event.event === 'state').map((event) => event.data))}`);
    });
    return { sessionId, token: connected.data.token as string, phone };
  } finally {
    stream.close();
  }
}

/** Runs `work` over `items`, at most `width` at a time (linking Baileys sessions is CPU-bound). */
export async function inGroups<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

export interface SendOutcome {
  key: string;
  status: number;
  /** The message id WhatsApp got, when the send was accepted. */
  id: string | undefined;
  body: unknown;
  /** How many times the client had to go to another node because the connection failed. */
  retries: number;
}

/**
 * Sends one message as a careful client: the nodes in turn from `first`, moving on (same key,
 * same body) when a node cannot be reached or is shutting down, until one answers.
 */
export async function sendWithRetry(nodes: () => NodeProcess[], first: number, session: LinkedSession, chat: string, key: string, text: string): Promise<SendOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const live = nodes();
    const node = live[(first + attempt) % live.length]!;
    try {
      const reply = await call<{ id?: string; code?: string }>(node.url, 'POST', '/v1/actions/sendMessage', {
        token: session.token,
        body: { chat, text },
        headers: { 'idempotency-key': key },
      });
      if (reply.status === 503 && reply.body.code === 'SHUTTING_DOWN' && attempt < 50) continue;
      return { key, status: reply.status, id: reply.status === 200 ? reply.body.id : undefined, body: reply.body, retries: attempt };
    } catch (error) {
      // fetch fails with a TypeError when the connection is refused or reset: the node is gone.
      if (!(error instanceof TypeError) || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
