import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isolatedPostgresUrl, skipPostgres } from '../../src/store/postgres-test-support.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';

const anna = '+79001111111';

/**
 * Text PostgreSQL cannot store (NUL) or no database can keep as given (a lone surrogate), over
 * HTTP with the sandbox, on SQLite and on PostgreSQL: refused before anything is sent, and never
 * failing the other requests that finish with it.
 */
function unstorableTextSuite(database: string, databaseUrl: () => Promise<string | undefined>, skip: string | false = false): void {
  describe(`text that cannot be stored, on ${database}`, { skip }, () => {
    let service: TestService;
    let token: string;

    before(async () => {
      const url = await databaseUrl();
      service = await startTestService(url === undefined ? {} : { databaseUrl: url });
      ({ token } = await linkPhone(service, '+79000000001'));
    });
    after(() => service.close());

    const act = (action: string, body: unknown, as = token) => call<Record<string, unknown>>(service.url, 'POST', `/v1/actions/${action}`, { token: as, body });
    const seenBy = async (phone: string) =>
      (await call<{ messages: { id: string; text?: string }[] }>(service.url, 'GET', `/v1/sandbox/chats/${encodeURIComponent(phone)}/messages`)).body.messages ?? [];

    function refused(reply: { status: number; body: Record<string, unknown> }, field: string): void {
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(reply.body.code, 'VALIDATION_ERROR');
      const issues = (reply.body.details as { issues: { path: string }[] }).issues;
      assert.deepEqual(issues.map((issue) => issue.path), [field]);
    }

    test('a text with a NUL or a lone surrogate is VALIDATION_ERROR naming the text, and nothing is sent', async () => {
      refused(await act('sendMessage', { chat: anna, text: 'a\u0000b' }), 'text');
      refused(await act('sendMessage', { chat: anna, text: 'x\ud800y' }), 'text');
      refused(await act('sendLocation', { chat: anna, location: { latitude: 55.7, longitude: 37.6, name: 'Clinic\u0000' } }), 'location.name');
      assert.deepEqual(await seenBy(anna), []);
      const emoji = await act('sendMessage', { chat: anna, text: 'Добрый день 👋' });
      assert.equal(emoji.status, 200, 'a surrogate pair is a character like any other');
      assert.equal((await call<{ text: string }>(service.url, 'GET', `/v1/messages/${String(emoji.body.id)}`, { token })).body.text, 'Добрый день 👋');
    });

    test('an edit to such a text is refused before the recipient sees it; the stored text stays', async () => {
      const sent = (await act('sendMessage', { chat: '+79002222222', text: 'Reminder' })).body;
      refused(await act('editMessage', { message: sent, text: 'Moved\u0000' }), 'text');
      assert.deepEqual((await seenBy('+79002222222')).map((m) => m.text), ['Reminder']);
      assert.equal((await call<{ text: string }>(service.url, 'GET', `/v1/messages/${String(sent.id)}`, { token })).body.text, 'Reminder');
    });

    test('a session label with a NUL is VALIDATION_ERROR naming the label', async () => {
      refused(await service.admin('POST', '/v1/sessions', { label: 'x\u0000' }), 'label');
      refused(await service.admin('POST', '/v1/sessions', { label: '\udfffx' }), 'label');
    });

    test('one such request among 32 at once fails alone; the 31 others, of two sessions, succeed', async () => {
      const other = await linkPhone(service, '+79000000002');
      const replies = await Promise.all(
        Array.from({ length: 32 }, (_, index) =>
          act('sendMessage', { chat: '+79003333333', text: index === 5 ? 'bad\u0000' : `Reminder ${index}` }, index % 2 === 0 ? token : other.token),
        ),
      );
      assert.deepEqual(replies.map((reply) => reply.status), replies.map((_, index) => (index === 5 ? 400 : 200)));
      assert.equal((await seenBy('+79003333333')).length, 31);
    });
  });
}

unstorableTextSuite('SQLite', async () => undefined);
unstorableTextSuite('PostgreSQL', isolatedPostgresUrl, skipPostgres);
