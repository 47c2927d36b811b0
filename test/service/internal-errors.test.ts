import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { linkPhone, startTestService, type TestService } from '../support/service.js';

interface LogLine {
  level: number;
  reqId?: string;
  err?: { message: string };
}

interface Answer {
  status: number;
  type: string;
  header: string | null;
  body: Record<string, unknown>;
}

async function request(service: TestService, path: string, secret: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${service.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', header: response.headers.get('x-request-id'), body: (await response.json()) as Record<string, unknown> };
}

/**
 * The answer is INTERNAL naming its request id (body and header) and nothing of the failure; the
 * log has the failure's own text under that id. Answers that text.
 */
function internalAndLogged(service: TestService, answer: Answer): string {
  assert.equal(answer.status, 500, JSON.stringify(answer.body));
  assert.match(answer.type, /^application\/problem\+json/);
  assert.equal(answer.body.code, 'INTERNAL');
  const requestId = answer.body.requestId;
  assert.equal(typeof requestId, 'string');
  assert.equal(answer.header, requestId, 'the x-request-id header names the same request');
  assert.match(String(answer.body.detail), new RegExp(String(requestId)));
  const logged = service.log.map((line) => JSON.parse(line) as LogLine).find((line) => line.reqId === requestId && line.level >= 50);
  assert.ok(logged?.err?.message, `an error line for request ${String(requestId)}`);
  assert.ok(!JSON.stringify(answer.body).includes(logged.err.message), `the answer does not repeat "${logged.err.message}"`);
  return logged.err.message;
}

test('a failing database is INTERNAL with a request id; the driver’s text is only in the log, under that id', async () => {
  const service = await startTestService();
  const { token } = await linkPhone(service, '+79000000001');
  const send = (text: string) => request(service, '/v1/actions/sendMessage', token, { chat: '+79001111111', text });
  try {
    assert.equal((await send('Before')).status, 200);

    // The database itself refuses to record the action, as a full or broken disk would.
    const db = new Database(join(service.config.dataDir, 'connector.db'));
    db.exec("CREATE TRIGGER broken_disk BEFORE INSERT ON idempotency BEGIN SELECT RAISE(ABORT, 'disk I/O error writing /srv/connector/connector.db'); END");
    db.close();
    assert.match(internalAndLogged(service, await send('Not recorded')), /disk I\/O error writing \/srv\/connector/);

    // A store that is gone fails reads too: on the action path and on an admin route.
    await service.store.close();
    internalAndLogged(service, await send('Store closed'));
    internalAndLogged(service, await request(service, '/v1/sessions', service.adminKey as string));
  } finally {
    await service.close().catch(() => {
      // The store was closed under it on purpose.
    });
  }
});
