import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sampleJpeg, samplePdf, samplePng, serve, startServer, type TestServer } from '../../src/attachments/test-support.js';
import { eventually } from '../support/eventually.js';
import { checkExchanges, recordExchanges, type Exchange } from '../support/contract.js';
import { call, openSse } from '../support/http.js';
import { linkPhone, startTestService, type TestService } from '../support/service.js';
import type { TestWhatsApp } from '../support/whatsapp.js';

const clinicPhone = '+79000000001';
const otherPhone = '+79000000002';
const anna = '+79001111111';
const annaJid = '79001111111@s.whatsapp.net';
const minute = 60_000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Result = Record<string, unknown> & { id: string; chat: string };

/** Every phone the suite sends to; the emulator, unlike the sandbox, only knows numbers it was given. */
const recipients = [anna, '+79002222222', '+79003333333', '+79004444444', '+79005555555', '+79006666666'];

/**
 * The action API as a user meets it, over real HTTP, against one engine: the sandbox network, or
 * Baileys linked to the protocol emulator. Each engine's test file calls this once; on SQLite
 * unless given a `databaseUrl` (api-postgres.test.ts).
 */
export function actionApiSuite(engine: TestWhatsApp['engine'], connect: () => Promise<TestWhatsApp>, databaseUrl?: () => Promise<string>): void {
  let service: TestService;
  let whatsapp: TestWhatsApp;
  let files: TestServer;
  let token: string;
  let sessionId: string;
  let exchanges: Exchange[];

  before(async () => {
    files = await startServer({ '/scan.png': serve(samplePng()), '/invoice': serve(samplePdf()), '/big.jpg': serve(sampleJpeg(6 * 1024 * 1024)) });
    whatsapp = await connect();
    service = await startTestService({ allowPrivateUrls: true, ...(databaseUrl ? { databaseUrl: await databaseUrl() } : {}) }, undefined, whatsapp);
    exchanges = recordExchanges(service.url);
    await whatsapp.addPhones(service, recipients);
    ({ token, sessionId } = await linkPhone(service, clinicPhone));
  });

  after(async () => {
    await service.close();
    await files.close();
    await whatsapp.close();
  });

  function act(action: string, body: unknown, options: { token?: string; key?: string } = {}) {
    return call<Result>(service.url, 'POST', `/v1/actions/${action}`, {
      token: options.token ?? token,
      body,
      ...(options.key ? { headers: { 'idempotency-key': options.key } } : {}),
    });
  }

  function seenBy(phone: string) {
    return whatsapp.seenBy(service, phone);
  }

  /** The message's status as `GET /v1/messages/{id}` shows it, once it is `expected` (receipts arrive asynchronously). */
  async function statusBecomes(id: string, expected: string): Promise<void> {
    await eventually(async () => (await call<{ status: string }>(service.url, 'GET', `/v1/messages/${id}`, { token })).body.status === expected, `message ${id} to be ${expected}`);
  }

  async function sessionBecomes(id: string, state: string): Promise<void> {
    await eventually(async () => (await service.admin<{ state: string }>('GET', `/v1/sessions/${id}`)).body.state === state, `session ${id} to become ${state}`);
  }

  function problem(reply: { status: number; type: string; body: Record<string, unknown> }, status: number, code: string) {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.match(reply.type, /^application\/problem\+json/);
    assert.equal(reply.body.code, code);
    assert.equal(reply.body.status, status);
    assert.equal(typeof reply.body.title, 'string');
    assert.equal(typeof reply.body.detail, 'string');
  }

  describe('linking a phone', () => {
    test('the link stream shows a QR image, then the token exactly once', async () => {
      const created = await service.admin<{ sessionId: string; linkUrl: string; state: string }>('POST', '/v1/sessions', { label: 'front desk' });
      assert.equal(created.status, 201);
      assert.equal(created.body.state, 'linking');
      assert.equal(created.body.linkUrl, `${service.url}/link/${created.body.sessionId}`);

      const stream = await openSse(`${service.url}/v1/sessions/${created.body.sessionId}/link`);
      const qr = await stream.next('qr');
      assert.match(String(qr.data.image), /^data:image\/png;base64,/);
      assert.match(String(qr.data.qr), /(^|#)2@/, 'a WhatsApp link QR names its ref');
      await whatsapp.scan(service, created.body.sessionId, '+79000000099', String(qr.data.qr));
      const connected = await stream.next('connected');
      stream.close();
      assert.match(String(connected.data.token), /^wac_[A-Za-z0-9_-]{43}$/);
      assert.equal(connected.data.phone, '+79000000099');

      const again = await openSse(`${service.url}/v1/sessions/${created.body.sessionId}/link`);
      const later = await again.next('connected');
      again.close();
      assert.equal(later.data.token, undefined, 'the token is shown once');

      const listed = await service.admin<{ sessions: { sessionId: string; state: string; phone: string }[] }>('GET', '/v1/sessions');
      assert.deepEqual(
        listed.body.sessions.find((s) => s.sessionId === created.body.sessionId),
        { ...listed.body.sessions.find((s) => s.sessionId === created.body.sessionId), state: 'connected', phone: '+79000000099' },
      );
    });

    test('links with a pairing code instead of a QR', async () => {
      const created = await service.admin<{ sessionId: string }>('POST', '/v1/sessions');
      const stream = await openSse(`${service.url}/v1/sessions/${created.body.sessionId}/link`);
      const code = await call<{ code: string }>(service.url, 'POST', `/v1/sessions/${created.body.sessionId}/pairing-code`, { body: { phone: '+79000000098' } });
      assert.match(code.body.code, /^[A-Z0-9]{8}$/);
      assert.equal((await stream.next('pairing-code')).data.code, code.body.code);
      await whatsapp.enterPairingCode(service, '+79000000098', code.body.code);
      assert.ok((await stream.next('connected')).data.token);
      stream.close();
    });

    // Baileys rotates its QR codes on real time (60 s, then 20 s each): the manual clock cannot run them out.
    // baileys-engine.test.ts runs them out with short QR timeouts instead.
    test('a link page opened again after the QR codes ran out shows fresh ones', { skip: engine !== 'sandbox' && 'QR codes rotate on real time' }, async () => {
      const created = await service.admin<{ sessionId: string }>('POST', '/v1/sessions');
      // One QR period at a time: a timer set while time moves counts from where the move ends.
      service.clock.advance(60_000);
      for (let rotation = 0; rotation < 5; rotation++) service.clock.advance(20_000);
      const stream = await openSse(`${service.url}/v1/sessions/${created.body.sessionId}/link`);
      const qr = await stream.next('qr');
      stream.close();
      assert.ok(Number(qr.data.expiresAt) > service.clock.now());
    });

    test('admin routes need the admin key', async () => {
      problem(await call(service.url, 'POST', '/v1/sessions', { body: {} }), 401, 'UNAUTHORIZED');
      problem(await call(service.url, 'GET', '/v1/sessions', { token: 'wrong-key-0123456789' }), 401, 'UNAUTHORIZED');
      problem(await call(service.url, 'GET', '/v1/sessions', { token }), 401, 'UNAUTHORIZED');
    });
  });

  describe('the seven actions over HTTP', () => {
    test('sends a text; the recipient sees it and its status is readable', async () => {
      const sent = await act('sendMessage', { chat: '+7 (900) 111-11-11', text: 'Добрый день, Анна!' });
      assert.equal(sent.status, 200);
      assert.equal(sent.body.action, 'sendMessage');
      assert.equal(sent.body.chat, annaJid);
      assert.ok((await seenBy(anna)).some((m) => m.text === 'Добрый день, Анна!'));

      const status = await call<{ status: string }>(service.url, 'GET', `/v1/messages/${sent.body.id}`, { token });
      assert.equal(status.body.status, 'sent');
      await whatsapp.receipt(service, sent.body.id, 'delivered');
      await statusBecomes(sent.body.id, 'delivered');
      await whatsapp.receipt(service, sent.body.id, 'read');
      await statusBecomes(sent.body.id, 'read');
    });

    test('sends attachments as media or documents, with the text as caption', async () => {
      const sent = await act('sendMessage', {
        chat: anna,
        text: 'Your scan and invoice',
        attachments: [
          { title: 'Scan', url: files.url('/scan.png') },
          { title: 'Invoice', url: files.url('/invoice') },
        ],
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const seen = await seenBy(anna);
      const scan = seen.find((m) => m.id === sent.body.id);
      assert.equal(scan?.kind, 'image');
      assert.equal(scan.caption, 'Your scan and invoice');
      assert.equal(scan.attachments?.[0]?.sha256, sha256(samplePng()), 'the recipient decrypts the bytes that were served');
      const invoice = seen.find((m) => m.kind === 'document' && m.attachments?.[0]?.fileName === 'Invoice.pdf');
      assert.equal(invoice?.attachments?.[0]?.sha256, sha256(samplePdf()));
    });

    test('sends a location and a contact', async () => {
      assert.equal((await act('sendLocation', { chat: anna, location: { latitude: 55.75, longitude: 37.61, name: 'Clinic' } })).status, 200);
      assert.equal((await act('sendContact', { chat: anna, contact: { name: 'Dr. Ivanova', phones: ['+79007777777'] } })).status, 200);
      const seen = await seenBy(anna);
      assert.ok(seen.some((m) => m.location?.name === 'Clinic' && m.location.latitude === 55.75));
      const card = seen.find((m) => m.contact?.displayName === 'Dr. Ivanova');
      assert.match(String(card?.contact?.vcard), /waid=79007777777/);
    });

    test('sends to a group the linked phone is in, where every other member sees it; a group it is not in is FORBIDDEN', async () => {
      const group = await whatsapp.addGroup(service, 'Physiotherapy group', [clinicPhone, anna, '+79006666666']);
      const sent = await act('sendMessage', { chat: group, text: 'Class moved to 18:00' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.equal(sent.body.chat, group);
      assert.equal((await act('sendReaction', { message: sent.body, emoji: '✅' })).status, 200);
      for (const member of [anna, '+79006666666']) {
        const shown = (await seenBy(member)).find((m) => m.id === sent.body.id);
        assert.equal(shown?.text, 'Class moved to 18:00', `${member} sees the group message`);
        assert.deepEqual(shown.reactions.map((r) => r.emoji), ['✅']);
      }

      const without = await whatsapp.addGroup(service, 'Patients only', [anna, '+79006666666']);
      problem(await act('sendMessage', { chat: without, text: 'Not ours' }), 403, 'FORBIDDEN');
      assert.equal((await seenBy('+79006666666')).some((m) => m.text === 'Not ours'), false);
    });

    test('replies to a message, quoting it: the recipient sees the quote; a message of another chat is refused', async () => {
      const question = (await act('sendMessage', { chat: anna, text: 'Shall we keep 10:00?' })).body;
      const answer = await act('sendMessage', { chat: anna, text: 'Or 12:00, if that suits you better', replyTo: question });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.replyTo, { chat: annaJid, id: question.id, fromMe: true });
      const shown = (await seenBy(anna)).find((m) => m.id === answer.body.id);
      assert.equal(shown?.quoted?.id, question.id);
      const byId = await act('sendMessage', { chat: anna, text: 'See you', replyTo: question.id });
      assert.equal(byId.status, 200, JSON.stringify(byId.body));
      const other = (await act('sendMessage', { chat: '+79005555555', text: 'Hello' })).body;
      problem(await act('sendMessage', { chat: anna, text: 'Wrong chat', replyTo: other }), 400, 'VALIDATION_ERROR');
      assert.equal((await seenBy(anna)).some((m) => m.text === 'Wrong chat'), false);
    });

    test('reacts to, edits, forwards and deletes a message using the saved result object', async () => {
      const sent = (await act('sendMessage', { chat: anna, text: 'Reminder' })).body;
      assert.equal((await act('sendReaction', { message: sent, emoji: '👍' })).status, 200);
      assert.deepEqual((await seenBy(anna)).find((m) => m.id === sent.id)?.reactions.map((r) => r.emoji), ['👍']);
      const edited = await act('editMessage', { message: sent, text: 'Reminder (moved to 11:00)' });
      assert.equal(edited.status, 200);
      const forwarded = await act('forwardMessage', { message: sent, chat: ['+79002222222', '+79003333333'] });
      assert.equal(forwarded.status, 200);
      assert.equal((forwarded.body.forwards as unknown[]).length, 2);
      const deleted = await act('deleteMessage', { message: edited.body });
      assert.equal(deleted.status, 200);

      const mine = (await seenBy(anna)).find((m) => m.id === sent.id);
      assert.equal(mine?.deleted, true);
      const theirs = (await seenBy('+79002222222'))[0];
      assert.equal(theirs?.forwarded, true);
      assert.equal(theirs.text, 'Reminder (moved to 11:00)');
      assert.equal((await seenBy('+79003333333'))[0]?.text, 'Reminder (moved to 11:00)');
    });

    test('the same Idempotency-Key returns the first result and sends once; another body conflicts', async () => {
      const first = await act('sendMessage', { chat: '+79004444444', text: 'Once' }, { key: 'appointment-17' });
      const again = await act('sendMessage', { chat: '+79004444444', text: 'Once' }, { key: 'appointment-17' });
      assert.deepEqual(again.body, first.body);
      assert.equal((await seenBy('+79004444444')).length, 1);
      problem(await act('sendMessage', { chat: '+79004444444', text: 'Twice' }, { key: 'appointment-17' }), 409, 'IDEMPOTENCY_CONFLICT');
    });
  });

  describe('errors as problem documents with stable codes', () => {
    test('no token, a wrong token and a revoked token are UNAUTHORIZED', async () => {
      problem(await call(service.url, 'POST', '/v1/actions/sendMessage', { body: { chat: anna, text: 'x' } }), 401, 'UNAUTHORIZED');
      problem(await act('sendMessage', { chat: anna, text: 'x' }, { token: 'wac_not-a-real-token' }), 401, 'UNAUTHORIZED');
      const extra = await service.admin<{ token: string; tokenId: string }>('POST', `/v1/sessions/${sessionId}/tokens`);
      assert.equal(extra.status, 201);
      assert.equal((await act('sendMessage', { chat: anna, text: 'with the new token' }, { token: extra.body.token })).status, 200);
      assert.equal((await service.admin('DELETE', `/v1/tokens/${extra.body.tokenId}`)).status, 204);
      problem(await act('sendMessage', { chat: anna, text: 'x' }, { token: extra.body.token }), 401, 'UNAUTHORIZED');
    });

    test('another session’s message is MESSAGE_NOT_FOUND, never shown', async () => {
      const other = await linkPhone(service, otherPhone);
      const theirs = (await act('sendMessage', { chat: anna, text: 'From the other clinic' }, { token: other.token })).body;
      problem(await call(service.url, 'GET', `/v1/messages/${theirs.id}`, { token }), 404, 'MESSAGE_NOT_FOUND');
      problem(await act('editMessage', { message: theirs, text: 'hijacked' }), 404, 'MESSAGE_NOT_FOUND');
      problem(await act('deleteMessage', { message: theirs }), 404, 'MESSAGE_NOT_FOUND');
    });

    test('an invalid chat is INVALID_CHAT; a number without WhatsApp is NOT_ON_WHATSAPP', async () => {
      problem(await act('sendMessage', { chat: 'Anna', text: 'x' }), 400, 'INVALID_CHAT');
      await whatsapp.addPhoneWithoutWhatsApp(service, '+79009999999');
      problem(await act('sendMessage', { chat: '+79009999999', text: 'x' }), 422, 'NOT_ON_WHATSAPP');
    });

    test('an edit after 15 minutes is EDIT_WINDOW_EXPIRED', async () => {
      const sent = (await act('sendMessage', { chat: anna, text: 'Soon stale' })).body;
      service.clock.advance(15 * minute + 1);
      problem(await act('editMessage', { message: sent, text: 'too late' }), 422, 'EDIT_WINDOW_EXPIRED');
    });

    test('an oversized attachment is ATTACHMENT_TOO_LARGE and nothing is sent', async () => {
      const before = (await seenBy('+79005555555')).length;
      problem(await act('sendMessage', { chat: '+79005555555', attachments: { title: 'Huge', url: files.url('/big.jpg') } }), 413, 'ATTACHMENT_TOO_LARGE');
      assert.equal((await seenBy('+79005555555')).length, before);
    });

    test('an attachment from a private address is ATTACHMENT_URL_FORBIDDEN unless the service allows them', async () => {
      const strict = await startTestService({ allowPrivateUrls: false }, undefined, whatsapp);
      try {
        const linked = await linkPhone(strict, clinicPhone);
        const served = files.connections();
        const reply = await call<Result>(strict.url, 'POST', '/v1/actions/sendMessage', {
          token: linked.token,
          body: { chat: anna, text: 'Scan', attachments: { title: 'Scan', url: files.url('/scan.png') } },
        });
        problem(reply, 422, 'ATTACHMENT_URL_FORBIDDEN');
        assert.equal(files.connections(), served, 'refused before connecting');
      } finally {
        await strict.close();
      }
    });

    test('attachments that together pass CONNECTOR_ATTACHMENTS_REQUEST_MB are ATTACHMENT_TOO_LARGE and nothing is sent', async () => {
      const MB = 1024 * 1024;
      const small = await startTestService({ allowPrivateUrls: true, attachmentsRequestMaxBytes: 8 * MB }, undefined, whatsapp);
      try {
        const linked = await linkPhone(small, clinicPhone);
        const before = (await seenBy(anna)).length;
        const scans = [1, 2].map((n) => ({ title: `Scan ${n}`, url: files.url('/big.jpg') }));
        const reply = await call<Result>(small.url, 'POST', '/v1/actions/sendMessage', {
          token: linked.token,
          body: { chat: anna, text: 'Scans', attachments: scans, attachmentFormat: 'document' },
        });
        problem(reply, 413, 'ATTACHMENT_TOO_LARGE');
        assert.equal((reply.body.details as Record<string, unknown> | undefined)?.['requestLimit'], 8 * MB);
        assert.equal((await seenBy(anna)).length, before);
      } finally {
        await small.close();
      }
    });

    test('malformed JSON, a body that does not fit and an unknown action are VALIDATION_ERROR', async () => {
      problem(await call(service.url, 'POST', '/v1/actions/sendMessage', { token, raw: '{"chat": ' }), 400, 'VALIDATION_ERROR');
      const invalid = await act('sendLocation', { chat: anna, location: { latitude: 'north' } });
      problem(invalid, 400, 'VALIDATION_ERROR');
      assert.ok((invalid.body.details as { issues: { path: string }[] }).issues.some((issue) => issue.path.startsWith('location')));
      const unknown = await act('sendFax', { chat: anna });
      problem(unknown, 400, 'VALIDATION_ERROR');
      assert.match(String(unknown.body.detail), /sendMessage/);
      problem(await call(service.url, 'GET', '/v2/nothing'), 404, 'NOT_FOUND');
    });

    test('a logged-out session’s token is SESSION_LOGGED_OUT', async () => {
      const gone = await linkPhone(service, '+79000000003');
      assert.equal((await service.admin<{ state: string }>('DELETE', `/v1/sessions/${gone.sessionId}`)).body.state, 'logged_out');
      problem(await act('sendMessage', { chat: anna, text: 'x' }, { token: gone.token }), 410, 'SESSION_LOGGED_OUT');
    });

    test('a device removed on the phone leaves its token SESSION_LOGGED_OUT', async () => {
      const removed = await linkPhone(service, '+79000000004');
      await whatsapp.removeDevice(service, removed.sessionId, '+79000000004');
      await sessionBecomes(removed.sessionId, 'logged_out');
      problem(await act('sendMessage', { chat: anna, text: 'x' }, { token: removed.token }), 410, 'SESSION_LOGGED_OUT');
      assert.equal((await service.admin<{ state: string }>('GET', `/v1/sessions/${removed.sessionId}`)).body.state, 'logged_out');
    });
  });

  describe('operations', () => {
    test('health, readiness and Prometheus metrics', async () => {
      assert.deepEqual((await call(service.url, 'GET', '/health')).body, { status: 'ok' });
      assert.deepEqual((await call(service.url, 'GET', '/ready')).body, { status: 'ready' });
      const metrics = await call<string>(service.url, 'GET', '/metrics');
      assert.match(metrics.body, /whatsapp_connector_actions_total\{action="sendMessage",outcome="completed"\} \d+/);
      assert.match(metrics.body, /whatsapp_connector_sessions\{state="connected"\} \d+/);
    });

    test('the OpenAPI 3.1 document describes every action, and /docs shows it', async () => {
      const doc = await call<{ openapi: string; paths: Record<string, unknown> }>(service.url, 'GET', '/openapi.json');
      assert.equal(doc.body.openapi, '3.1.0');
      for (const action of ['sendMessage', 'sendLocation', 'sendContact', 'sendReaction', 'forwardMessage', 'editMessage', 'deleteMessage']) {
        assert.ok(doc.body.paths[`/v1/actions/${action}`], action);
      }
      assert.ok(doc.body.paths['/v1/sessions']);
      const ui = await call<string>(service.url, 'GET', '/docs');
      assert.match(ui.type, /text\/html/);
      assert.match(ui.body, /swagger-ui-bundle\.js/);
      assert.match(ui.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/, 'readable on a phone');
      assert.equal((await call(service.url, 'GET', '/docs/assets/swagger-ui-bundle.js')).status, 200);
    });

    test('/ leads to the sandbox viewer in sandbox mode, else to the docs', async () => {
      const home = await fetch(`${service.url}/`, { redirect: 'manual' });
      assert.equal(home.status, 302);
      assert.equal(home.headers.get('location'), engine === 'sandbox' ? '/sandbox' : '/docs');
    });

    test('tokens and keys never reach the log', async () => {
      const joined = service.log.join('');
      assert.ok(joined.length > 0);
      assert.ok(!joined.includes(token), 'token in log');
      assert.ok(!joined.includes('test-admin-key'), 'admin key in log');
    });
  });

  // Last: every exchange above, checked against the service's own document (issue: the API contract).
  describe('the API contract', () => {
    test('every request and answer above matches /openapi.json: routes, bodies, statuses, media types, fields', async (t) => {
      const document = (await call<Parameters<typeof checkExchanges>[0]>(service.url, 'GET', '/openapi.json')).body;
      const report = checkExchanges(document, exchanges);
      t.diagnostic(`${engine}${databaseUrl ? ' on PostgreSQL' : ''}: ${report.validated} answers of ${exchanges.length} exchanges validated against /openapi.json`);
      assert.deepEqual(report.violations, []);
      assert.ok(report.validated > 50, `only ${report.validated} answers validated`);
    });
  });
}
