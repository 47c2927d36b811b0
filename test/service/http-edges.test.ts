import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call } from '../support/http.js';
import { openRaw, type RawResponse } from '../support/raw-http.js';
import { adminKey, startTestService, withLinkedService } from '../support/service.js';

/** The answer is a problem document of `code` and `status`, as every error of the service is. */
function problem(reply: RawResponse, status: number, code: string): void {
  assert.equal(reply.status, status, reply.body);
  assert.match(reply.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.equal(reply.json?.code, code);
  assert.equal(reply.json?.status, status);
}

const halfBody = (path: string, headers = '') => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n${headers}\r\n{"chat":`;

describe('requests the service will not wait for', () => {
  const linked = withLinkedService({ headersTimeoutMs: 500, bodyTimeoutMs: 1_000 });

  test('a request without a valid token is answered UNAUTHORIZED before its body arrives, and its connection closed', async () => {
    for (const [path, auth] of [
      ['/v1/actions/sendMessage', ''],
      ['/v1/actions/sendMessage', 'Authorization: Bearer wac_not-a-token\r\n'],
      ['/v1/sessions', 'Authorization: Bearer wrong-admin-key-0123456789\r\n'],
    ] as const) {
      const raw = await openRaw(linked.service.url);
      raw.write(halfBody(path, auth));
      problem(await raw.response(), 401, 'UNAUTHORIZED');
      await raw.closed;
    }
    const malformed = await call(linked.service.url, 'POST', '/v1/actions/sendMessage', { raw: '{"chat": ' });
    assert.equal(malformed.status, 401, 'a stranger’s body is not even parsed');
  });

  test('a body that does not arrive within CONNECTOR_BODY_TIMEOUT_MS is REQUEST_TIMEOUT (408), and the connection closed', async () => {
    const action = await openRaw(linked.service.url);
    action.write(halfBody('/v1/actions/sendMessage', `Authorization: Bearer ${linked.token}\r\n`));
    const admin = await openRaw(linked.service.url);
    admin.write(halfBody('/v1/sessions', `Authorization: Bearer ${adminKey}\r\n`));
    for (const raw of [action, admin]) {
      problem(await raw.response(), 408, 'REQUEST_TIMEOUT');
      await raw.closed;
    }
  });

  test('headers that do not arrive within CONNECTOR_HEADERS_TIMEOUT_MS are REQUEST_TIMEOUT (408), and the connection closed', async () => {
    const raw = await openRaw(linked.service.url);
    raw.write('GET /v1/sessions HTTP/1.1\r\nHost: x\r\n');
    problem(await raw.response(), 408, 'REQUEST_TIMEOUT');
    await raw.closed;
  });
});

describe('malformed requests are problem documents too', () => {
  const linked = withLinkedService();

  async function send(request: string): Promise<RawResponse> {
    const raw = await openRaw(linked.service.url);
    raw.write(request);
    try {
      return await raw.response();
    } finally {
      raw.close();
    }
  }

  test('broken body framing is VALIDATION_ERROR (400)', async () => {
    problem(await send('POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}'), 400, 'VALIDATION_ERROR');
    const chunked = await send(`POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n`);
    problem(chunked, 400, 'VALIDATION_ERROR');
  });

  test('headers over 16 KB are HEADERS_TOO_LARGE (431)', async () => {
    problem(await send(`GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'HEADERS_TOO_LARGE');
  });

  test('an id longer than the router reads is URI_TOO_LONG (414); an undecodable one VALIDATION_ERROR (400)', async () => {
    const long = await call(linked.service.url, 'GET', `/v1/messages/${'a'.repeat(200)}`, { token: linked.token });
    assert.equal(long.status, 414);
    assert.match(long.type, /^application\/problem\+json/);
    assert.equal(long.body.code, 'URI_TOO_LONG');
    problem(await send(`GET /v1/sessions/%ff HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminKey}\r\n\r\n`), 400, 'VALIDATION_ERROR');
  });
});

test('the service holds at most CONNECTOR_MAX_CONNECTIONS connections; one more is closed unanswered until one ends', async () => {
  const service = await startTestService({ maxConnections: 3 });
  const health = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  try {
    const held = await Promise.all([1, 2, 3].map(() => openRaw(service.url)));
    for (const raw of held) {
      raw.write(health);
      assert.equal((await raw.response()).status, 200);
    }
    const refused = await openRaw(service.url);
    refused.write(health);
    await refused.closed;
    await assert.rejects(refused.response(100), /closed without a complete answer/);

    held[0]!.close();
    await held[0]!.closed;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const next = await openRaw(service.url);
      next.write(health);
      const answered = await next.response().then((reply) => reply.status, () => undefined);
      next.close();
      if (answered === 200) break;
      if (Date.now() > deadline) assert.fail('no connection was taken after one ended');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const raw of held) raw.close();
  } finally {
    await service.close();
  }
});
