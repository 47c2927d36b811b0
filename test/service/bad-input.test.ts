// Generated bad input over every route of the OpenAPI document, on SQLite and on PostgreSQL: bodies
// built from the request schemas and then mutated (nodes replaced with odd JSON, required fields
// dropped, unknown fields added, deep nesting, NUL and lone surrogates, 70,000-character strings),
// broken framing, odd path parameters and credentials. Whatever comes in, the answer is never a
// 5xx, and every error is a problem document with a code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { anyJson, mutate, mutation, nastyStrings, validValue, type Hints, type JsonSchema } from '../support/schema-arbitrary.js';
import { checkExchanges, type Exchange } from '../support/contract.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';
import { isolatedPostgresUrl, skipPostgres } from '../../src/store/postgres-test-support.js';

const requestsPerStore = Number(process.env.BAD_INPUT_REQUESTS) || 10_000;
// A fixed seed keeps CI repeatable; set BAD_INPUT_SEED to explore further.
const seed = Number(process.env.BAD_INPUT_SEED) || 20_261_202;
const inFlight = 8;

interface Operation {
  method: string;
  path: string;
  body?: JsonSchema;
  credential: 'admin' | 'token' | 'none';
}

interface BadRequest {
  operation: Operation;
  path: string;
  credential: 'right' | 'other' | 'garbage' | 'none';
  idempotencyKey: string | null;
  framing: 'json' | 'truncated' | 'text/plain' | 'bad-utf8' | 'empty';
  body: unknown;
}

const stores: { name: string; databaseUrl?(): Promise<string>; skip: string | false }[] = [
  { name: 'SQLite', skip: false },
  { name: 'PostgreSQL', databaseUrl: isolatedPostgresUrl, skip: skipPostgres },
];

for (const store of stores) {
  describe(`bad input on every route (${store.name})`, { skip: store.skip }, () => {
    let service: TestService;
    let token: string;
    let sessionId: string;
    let saved: Record<string, unknown>;

    before(async () => {
      service = await startTestService({ logLevel: 'silent', ...(store.databaseUrl ? { databaseUrl: await store.databaseUrl() } : {}) });
      ({ token, sessionId } = await linkPhone(service, '+79000000001'));
      const sent = await fetch(`${service.url}/v1/actions/sendMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ chat: '+79001234567', text: 'A message to react to, edit, forward and delete' }),
      });
      assert.equal(sent.status, 200);
      saved = (await sent.json()) as Record<string, unknown>;
    });

    after(() => service?.close());

    test(`${requestsPerStore} generated requests: no 5xx, every error a problem document`, async (t) => {
      const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as OpenApiDocument;
      const operations = operationsOf(document);
      const resolve = (ref: string) => resolveRef(document, ref);
      const arbitrary = badRequest(operations, resolve, hints(sessionId, saved));
      const statuses = new Map<number, number>();
      const exchanges: Exchange[] = [];
      let sent = 0;
      for (let chunk = 0; sent < requestsPerStore; chunk++) {
        const batch = fc.sample(arbitrary, { numRuns: Math.min(200, requestsPerStore - sent), seed: seed + chunk });
        await inParallel(batch, inFlight, async (request) => {
          const exchange = await send(service.url, request, { admin: service.adminKey ?? '', token });
          exchanges.push(exchange);
          statuses.set(exchange.status, (statuses.get(exchange.status) ?? 0) + 1);
        });
        sent += batch.length;
      }
      t.diagnostic(`${store.name}: sent ${sent} generated requests over ${operations.length} operations (seed ${seed}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
      assert.equal(sent, requestsPerStore);
      // Whatever came in, what went out is what the document says: a documented status, media type and shape.
      const contract = checkExchanges(document, exchanges);
      t.diagnostic(`${store.name}: ${contract.validated} of ${exchanges.length} answers validated against /openapi.json`);
      assert.deepEqual(contract.violations.slice(0, 10), []);
      assert.ok([...statuses.keys()].some((status) => status < 300), 'some requests got through validation and were carried out');
    });
  });
}

/** Field values that pass validation, so that mutations of them reach the store and the engine. */
function hints(sessionId: string, saved: Record<string, unknown>): Hints {
  const chat = fc.constantFrom('+79001234567', '+7 (900) 123-45-67', '79005550101@s.whatsapp.net');
  return {
    chat,
    chats: fc.array(chat, { minLength: 1, maxLength: 6 }),
    phone: fc.constantFrom('+79005550102', '+79000000001'),
    text: fc.oneof(fc.constantFrom('Hello', 'Добрый день, Анна!'), fc.constantFrom(...nastyStrings)),
    label: fc.oneof(fc.constant('Clinic'), fc.constantFrom(...nastyStrings)),
    emoji: fc.constantFrom('👍', '', '1️⃣', '🇷🇺', '🇺', 'abc'),
    url: fc.constantFrom('http://127.0.0.1:9/photo.png', 'ftp://example.org/x', 'http://[::1]/x'),
    message: fc.oneof(fc.constant(saved), fc.constant(saved['id']), anyJson),
    sessionId: fc.constantFrom(sessionId, 'ses_unknown'),
    vcard: fc.constant('BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nTEL;type=CELL:+79001234567\nEND:VCARD'),
  };
}

function badRequest(operations: Operation[], resolve: (ref: string) => JsonSchema, hinted: Hints): fc.Arbitrary<BadRequest> {
  const pathPart = fc.oneof(
    fc.string({ maxLength: 16 }).map(encodeURIComponent),
    fc.constantFrom('%ff', '%00', '..', 'x'.repeat(2_000), encodeURIComponent('a\u0000b'), 'ses_unknown'),
  );
  return fc.constantFrom(...operations).chain((operation) => {
    const known = knownParameter(operation, hinted);
    const valid = operation.body ? validValue(operation.body, resolve, hinted) : fc.constant(undefined);
    return fc.record({
      operation: fc.constant(operation),
      path: fc.array(fc.oneof(known, pathPart), { minLength: 2, maxLength: 2 }).map(([first, second]) => fillPath(operation.path, [first!, second!])),
      credential: fc.constantFrom('right', 'right', 'right', 'other', 'garbage', 'none'),
      idempotencyKey: fc.option(fc.oneof(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }), fc.constant('k'.repeat(300))), { freq: 3 }),
      framing: fc.constantFrom('json', 'json', 'json', 'json', 'json', 'truncated', 'text/plain', 'bad-utf8', 'empty'),
      body: fc.oneof(
        { weight: 2, arbitrary: valid },
        { weight: 5, arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, changes]) => mutate(value, changes)) },
        { weight: 1, arbitrary: anyJson },
      ),
    });
  });
}

/** A path parameter that names something real, where naming it cannot end the test's own session. */
function knownParameter(operation: Operation, hinted: Hints): fc.Arbitrary<string> {
  if (operation.method === 'DELETE') return fc.constant('unknown');
  if (operation.path.startsWith('/v1/messages/')) return hinted.message!.map((ref) => (typeof ref === 'string' ? ref : typeof (ref as { id?: unknown } | null)?.id === 'string' ? (ref as { id: string }).id : 'unknown'));
  if (operation.path.startsWith('/v1/sessions/')) return hinted.sessionId!.map((id) => id as string);
  return hinted.chat!.map((chat) => encodeURIComponent(chat as string));
}

function fillPath(template: string, values: string[]): string {
  let index = 0;
  return template.replace(/\{[^}]+\}/g, () => values[index++ % values.length]!);
}

async function send(base: string, request: BadRequest, keys: { admin: string; token: string }): Promise<Exchange> {
  const { operation } = request;
  const headers: Record<string, string> = {};
  const right = operation.credential === 'admin' ? keys.admin : keys.token;
  const other = operation.credential === 'admin' ? keys.token : keys.admin;
  if (request.credential !== 'none') headers.authorization = `Bearer ${{ right, other, garbage: 'wac_not-a-token' }[request.credential]}`;
  if (request.idempotencyKey !== null) headers['idempotency-key'] = request.idempotencyKey;
  let body: string | Buffer | undefined;
  if (operation.method !== 'GET') {
    const json = JSON.stringify(request.body) ?? 'null';
    headers['content-type'] = request.framing === 'text/plain' ? 'text/plain' : 'application/json';
    body = { json, 'text/plain': json, truncated: json.slice(0, json.length >> 1), 'bad-utf8': Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), empty: '' }[request.framing];
  }
  const aborter = new AbortController();
  const response = await fetch(`${base}${request.path}`, { method: operation.method, headers, signal: aborter.signal, ...(body !== undefined ? { body } : {}) });
  const type = response.headers.get('content-type') ?? '';
  // An event stream never ends: its status and type are the answer.
  const text = type.startsWith('text/event-stream') ? (aborter.abort(), '') : await response.text();
  const shown = `${operation.method} ${request.path.slice(0, 200)} (${request.framing}, ${request.credential}) body ${String(JSON.stringify(request.body)).slice(0, 300)}`;
  assert.ok(response.status < 500, `${shown} → ${response.status} ${text.slice(0, 300)}`);
  if (response.status >= 400) {
    assert.match(type, /^application\/problem\+json/, `${shown} → ${response.status} ${type} ${text.slice(0, 300)}`);
    assert.equal(typeof (JSON.parse(text) as { code?: unknown }).code, 'string', `${shown} → ${text.slice(0, 300)}`);
  }
  const sentBody = request.framing === 'json' ? { body: request.body ?? null } : { raw: true };
  return {
    method: operation.method,
    // As sent: fetch resolves `..` and the like.
    path: new URL(`${base}${request.path}`).pathname,
    ...(operation.method === 'GET' ? {} : sentBody),
    status: response.status,
    type,
    response: text && type.includes('json') ? JSON.parse(text) : text,
  };
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { security?: Record<string, unknown>[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const body = operation.requestBody?.content?.['application/json']?.schema;
      const credential = /^\/v1\/(actions|messages)\b/.test(path) ? 'token' : operation.security?.some((scheme) => Object.keys(scheme).length > 0) ? 'admin' : 'none';
      return { method: method.toUpperCase(), path, credential, ...(body ? { body } : {}) } satisfies Operation;
    }),
  );
}

function resolveRef(document: OpenApiDocument, ref: string): JsonSchema {
  const name = ref.replace('#/components/schemas/', '');
  const schema = document.components?.schemas?.[name];
  if (!schema) throw new Error(`unresolved ${ref}`);
  return schema;
}
