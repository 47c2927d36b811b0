import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { ServiceConfig } from '../../src/service/config.js';
import { startService, type RunningService } from '../../src/service/server.js';
import { call, openSse } from './http.js';
import { sandboxWhatsApp, type TestWhatsApp } from './whatsapp.js';

export const adminKey = 'test-admin-key-0123456789';

export interface TestService extends RunningService {
  clock: ManualClock;
  /** The WhatsApp it talks to: the sandbox network, or the protocol emulator. */
  whatsapp: TestWhatsApp;
  /** Everything the service logged. */
  log: string[];
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): ReturnType<typeof call<T>>;
}

/** A folder of its own for a test's database and secrets. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wac-test-'));
}

/** A service on an ephemeral port and a manual clock, in sandbox mode unless given another WhatsApp. */
export async function startTestService(
  config: Partial<ServiceConfig> = {},
  clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z')),
  whatsapp: TestWhatsApp = sandboxWhatsApp(),
): Promise<TestService> {
  const dataDir = config.dataDir ?? tempDir();
  const log: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(chunk.toString());
      done();
    },
  });
  const service = await startService({
    clock,
    logStream,
    ...whatsapp.startOptions,
    config: {
      port: 0,
      host: '127.0.0.1',
      ...whatsapp.config,
      dataDir,
      databaseUrl: `sqlite:${join(dataDir, 'connector.db')}`,
      adminKey,
      secretKey: 'test-secret-key-0123456789abcdef0123456789',
      logLevel: 'info',
      ...config,
    },
  });
  return Object.assign(service, {
    clock,
    whatsapp,
    log,
    admin: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
      call<T>(service.url, method, path, { token: adminKey, ...(body !== undefined ? { body } : {}) }),
  });
}

/** Creates a session, plays the phone scanning its QR, and returns the token the link stream shows once. */
export async function linkPhone(service: TestService, phone: string): Promise<{ sessionId: string; token: string; tokenId: string }> {
  const created = await service.admin<{ sessionId: string; linkUrl: string }>('POST', '/v1/sessions', { label: phone });
  const { sessionId } = created.body;
  const stream = await openSse(`${service.url}/v1/sessions/${sessionId}/link`);
  try {
    // Generous: on a busy machine linking a real Baileys socket (key generation, login) takes seconds.
    const qr = await stream.next('qr', 30_000);
    await service.whatsapp.scan(service, sessionId, phone, String(qr.data.qr));
    const connected = await stream.next('connected', 30_000);
    return { sessionId, token: connected.data.token as string, tokenId: connected.data.tokenId as string };
  } finally {
    stream.close();
  }
}

/**
 * A service with one linked phone for the tests of the enclosing suite (started before them, closed
 * after); its fields are set once the suite's tests run.
 *
 * @example const linked = withLinkedService(); test('…', () => call(linked.service.url, 'GET', '/v1/messages/x', { token: linked.token }));
 */
export function withLinkedService(config: Partial<ServiceConfig> = {}, phone = '+79000000001'): { service: TestService; token: string } {
  const linked = {} as { service: TestService; token: string };
  before(async () => {
    linked.service = await startTestService(config);
    linked.token = (await linkPhone(linked.service, phone)).token;
  });
  after(() => linked.service.close());
  return linked;
}
