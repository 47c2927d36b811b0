// The API contract as an integrator meets it: types generated from /openapi.json with
// openapi-typescript, calls through openapi-fetch, the README's walk-through without a cast.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { apiTypes, typesFile } from '../../examples/api-client/generate-types.js';
import { walkThrough } from '../../examples/api-client/walkthrough.js';
import { adminKey, startTestService, type TestService } from '../support/service.js';

describe('a client generated from /openapi.json (examples/api-client)', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService({ logLevel: 'silent' });
  });

  after(() => service?.close());

  test('the committed api.d.ts is what openapi-typescript generates from the document today', async () => {
    const document = await (await fetch(`${service.url}/openapi.json`)).text();
    assert.equal(await readFile(typesFile, 'utf8'), await apiTypes(document), 'examples/api-client/api.d.ts is stale: run npm run api:types');
  });

  test('the walk-through links a phone, runs all seven actions on the saved result and reads every error by its code', async () => {
    const lines: string[] = [];
    const run = await walkThrough(service.url, adminKey, (line) => lines.push(line));
    assert.equal(run.sent.action, 'sendMessage');
    assert.equal(run.sent.chat, '79001234567@s.whatsapp.net');
    assert.deepEqual(run.reaction.target, { chat: run.sent.chat, id: run.sent.id, fromMe: true });
    assert.equal(run.edited.id, run.sent.id);
    assert.equal(run.forwarded.forwards.length, 2);
    assert.equal(run.location.location.name, 'Clinic');
    assert.equal(run.contact.contacts[0]?.name, 'Dr. Ivanova');
    assert.equal(run.status.text, 'Добрый день, Анна! Приём в 11:00.');
    assert.equal(run.deleted.forEveryone, true);
    assert.deepEqual(run.errors, { invalidChat: 'INVALID_CHAT', twoEmoji: 'VALIDATION_ERROR', wrongToken: 'UNAUTHORIZED', unknownToken: 'TOKEN_NOT_FOUND', editDeleted: 'MESSAGE_NOT_FOUND' });
    assert.ok(run.sessionsListed >= 1);
    assert.equal(run.loggedOut, 'logged_out');
    assert.ok(lines.some((line) => line.startsWith(`sent ${run.sent.id}`)));
  });

  test('the walk-through is written without a single cast or non-null assertion', async () => {
    const source = await readFile(fileURLToPath(new URL('../../examples/api-client/walkthrough.ts', import.meta.url)), 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bas\s+(?!const\b)\w/, 'a type assertion');
    assert.doesNotMatch(code, /[\w\])]![.;,)\]]/, 'a non-null assertion');
  });
});
