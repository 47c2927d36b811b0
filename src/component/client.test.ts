import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import type { MessageView } from '../engines/sandbox/view.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';
import { call } from '../../test/support/http.js';
import { linkPhone, startTestService, type TestService } from '../../test/support/service.js';
import { createClient, httpGateway, type ConnectorClient } from './client.js';
import { execute } from './executor.js';

let service: TestService;
let token: string;
let whatsapp: ConnectorClient;

before(async () => {
  service = await startTestService();
  ({ token } = await linkPhone(service, '+79000000001'));
  whatsapp = createClient({ baseUrl: `${service.url}/`, token });
});
after(() => service.close());

async function seenBy(phone: string): Promise<MessageView[]> {
  const reply = await call<{ messages: MessageView[] }>(service.url, 'GET', `/v1/sandbox/chats/${encodeURIComponent(phone)}/messages`);
  assert.equal(reply.status, 200);
  return reply.body.messages;
}

/** A plain HTTP server that answers as `answer` says: to play a proxy, an older service or a silent one. */
async function fakeService(answer: (response: ServerResponse, headers: IncomingHttpHeaders) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response, request.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const never = () => undefined;

describe('the client, against the service', () => {
  test('sends a message the recipient reads, and reports its status', async () => {
    const sent = await whatsapp.sendMessage({ chat: '+7 (900) 000-00-02', text: 'Hello from the client' }, { idempotencyKey: 'client:hello' });
    assert.equal(sent.action, 'sendMessage');
    assert.equal(sent.chat, '79000000002@s.whatsapp.net');
    assert.equal(sent.text, 'Hello from the client');
    assert.deepEqual((await seenBy('+79000000002')).map((view) => view.text), ['Hello from the client']);

    const status = await whatsapp.getMessage(sent.id);
    assert.deepEqual([status.id, status.chat, status.status, status.text, status.deleted], [sent.id, sent.chat, 'sent', 'Hello from the client', false]);
  });

  test('performs every action, each later one on an earlier result', async () => {
    const anna = '+79000000003';
    const key = (name: string) => ({ idempotencyKey: `client:all:${name}` });
    const sent = await whatsapp.perform('sendMessage', { chat: anna, text: 'Your appointment is at 10:00' }, key('text'));
    const location = await whatsapp.sendLocation({ chat: anna, location: { latitude: 55.75, longitude: 37.62, name: 'Clinic' } }, key('location'));
    const contact = await whatsapp.sendContact({ chat: anna, contact: { name: 'Reception', phones: ['+79007777777'] } }, key('contact'));
    const reaction = await whatsapp.sendReaction({ message: sent, emoji: '👍' }, key('reaction'));
    const forward = await whatsapp.forwardMessage({ message: sent, chat: '+79000000004' }, key('forward'));
    const edit = await whatsapp.editMessage({ message: sent, text: 'Your appointment is at 11:00' }, key('edit'));
    const deletion = await whatsapp.deleteMessage({ message: location }, key('delete'));

    assert.deepEqual(
      [sent, location, contact, reaction, forward, edit, deletion].map((result) => result.action),
      ['sendMessage', 'sendLocation', 'sendContact', 'sendReaction', 'forwardMessage', 'editMessage', 'deleteMessage'],
    );
    assert.equal(reaction.target.id, sent.id);
    assert.equal(edit.id, sent.id);
    assert.equal(deletion.forEveryone, true);

    const [text, shared, card] = await seenBy(anna);
    assert.deepEqual([text?.text, text?.edited, text?.reactions.map((r) => r.emoji)], ['Your appointment is at 11:00', true, ['👍']]);
    assert.deepEqual([shared?.kind, shared?.deleted], ['location', true]);
    assert.equal(card?.contact?.displayName, 'Reception');
    const [forwarded] = await seenBy('+79000000004');
    assert.deepEqual([forwarded?.text, forwarded?.forwarded], ['Your appointment is at 10:00', true]);
    assert.equal((await whatsapp.getMessage(sent.id)).text, 'Your appointment is at 11:00');
  });

  test('the same idempotency key gives the first result and sends once', async () => {
    const input = { chat: '+79000000005', text: 'Once' };
    const first = await whatsapp.sendMessage(input, { idempotencyKey: 'client:once' });
    const again = await whatsapp.sendMessage(input, { idempotencyKey: 'client:once' });
    assert.deepEqual(again, first);
    assert.equal((await seenBy('+79000000005')).length, 1);
    await rejectsWithCode(whatsapp.sendMessage({ ...input, text: 'Other' }, { idempotencyKey: 'client:once' }), 'IDEMPOTENCY_CONFLICT');
  });
});

describe('the client’s errors', () => {
  test('a problem answer becomes a ConnectorError with the service’s code, detail and details', async () => {
    const invalid = await rejectsWithCode(whatsapp.sendMessage({ chat: 'the front desk', text: 'Hi' }, { idempotencyKey: 'client:bad-chat' }), 'INVALID_CHAT');
    assert.match(invalid.message, /the front desk/);

    const empty = await rejectsWithCode(whatsapp.sendMessage({ chat: '+79000000006' }, { idempotencyKey: 'client:empty' }), 'VALIDATION_ERROR');
    assert.ok(Array.isArray(empty.details?.issues), 'the issues are kept');

    await rejectsWithCode(whatsapp.getMessage('3EB0000000000000000000'), 'MESSAGE_NOT_FOUND');
    const stranger = createClient({ baseUrl: service.url, token: 'wac_not-a-token' });
    await rejectsWithCode(stranger.sendMessage({ chat: '+79000000006', text: 'Hi' }, { idempotencyKey: 'client:stranger' }), 'UNAUTHORIZED');
    assert.deepEqual(await seenBy('+79000000006'), []);
  });

  test('sends the token, the idempotency key and the input as JSON', async () => {
    let seen: IncomingHttpHeaders = {};
    const fake = await fakeService((response, headers) => {
      seen = headers;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ action: 'sendMessage', id: 'X' }));
    });
    try {
      await createClient({ baseUrl: fake.url, token: 'wac_abc' }).sendMessage({ chat: '+79000000007', text: 'Hi' }, { idempotencyKey: 'process-1:remind:7' });
      assert.equal(seen.authorization, 'Bearer wac_abc');
      assert.equal(seen['idempotency-key'], 'process-1:remind:7');
      assert.equal(seen['content-type'], 'application/json');
    } finally {
      await fake.close();
    }
  });

  test('an answer without a known code is judged by its status', async () => {
    const answers: [number, string, string][] = [
      [502, 'text/html', '<html>Bad gateway</html>'],
      [503, 'application/problem+json', JSON.stringify({ code: 'MAINTENANCE', detail: 'Back at 10:00' })],
      [504, 'text/plain', 'Gateway timeout'],
      [429, 'text/plain', 'Slow down'],
      [401, 'text/plain', 'Who are you'],
      [418, 'application/problem+json', JSON.stringify({ code: 'TEAPOT', detail: 'I am a teapot' })],
      [200, 'text/html', '<html>Welcome</html>'],
    ];
    let next = 0;
    const fake = await fakeService((response) => {
      const [status, type, body] = answers[next++] ?? [500, 'text/plain', ''];
      response.writeHead(status, { 'content-type': type }).end(body);
    });
    const client = createClient({ baseUrl: fake.url, token: 'wac_abc' });
    const send = () => client.sendMessage({ chat: '+79000000008', text: 'Hi' }, { idempotencyKey: 'client:proxy' });
    try {
      await rejectsWithCode(send(), 'ENGINE_ERROR');
      const maintenance = await rejectsWithCode(send(), 'ENGINE_ERROR');
      assert.equal(maintenance.message, 'Back at 10:00');
      assert.deepEqual(maintenance.details, { status: 503, problemCode: 'MAINTENANCE' });
      await rejectsWithCode(send(), 'TIMEOUT');
      await rejectsWithCode(send(), 'RATE_LIMITED');
      await rejectsWithCode(send(), 'UNAUTHORIZED');
      await rejectsWithCode(send(), 'INTERNAL');
      const notTheService = await rejectsWithCode(send(), 'INTERNAL');
      assert.match(notTheService.message, /is http:\/\/127\.0\.0\.1:\d+ the connector service/);
    } finally {
      await fake.close();
    }
  });

  test('a service that cannot be reached is ENGINE_ERROR', async () => {
    const gone = await fakeService(never);
    await gone.close();
    const error = await rejectsWithCode(createClient({ baseUrl: gone.url, token }).getMessage('X'), 'ENGINE_ERROR');
    assert.match(error.message, /cannot be reached/);
  });

  test('aborting is TIMEOUT, or the ConnectorError the signal was aborted with', async () => {
    const silent = await fakeService(never);
    const client = createClient({ baseUrl: silent.url, token });
    try {
      const plain = new AbortController();
      const pending = client.sendMessage({ chat: '+79000000009', text: 'Hi' }, { idempotencyKey: 'client:abort', signal: plain.signal });
      setTimeout(() => plain.abort(), 20);
      await rejectsWithCode(pending, 'TIMEOUT');

      const withReason = new AbortController();
      const stopped = client.getMessage('X', { signal: withReason.signal });
      setTimeout(() => withReason.abort(new ConnectorError('SESSION_LOGGED_OUT', 'the process was cancelled')), 20);
      assert.equal((await rejectsWithCode(stopped, 'SESSION_LOGGED_OUT')).message, 'the process was cancelled');
    } finally {
      await silent.close();
    }
  });

  test('a signal aborted before the call sends nothing', async () => {
    await rejectsWithCode(whatsapp.sendMessage({ chat: '+79000000010', text: 'Too late' }, { idempotencyKey: 'client:late', signal: AbortSignal.abort() }), 'TIMEOUT');
    assert.deepEqual(await seenBy('+79000000010'), []);
  });

  test('no answer within timeoutMs is TIMEOUT', async () => {
    const silent = await fakeService(never);
    try {
      // The service never answers: only the 50 ms limit can end this.
      const error = await rejectsWithCode(createClient({ baseUrl: silent.url, token, timeoutMs: 50 }).getMessage('X'), 'TIMEOUT');
      assert.deepEqual(error.details, { timeoutMs: 50 });
    } finally {
      await silent.close();
    }
  });
});

describe('the component over HTTP (httpGateway)', () => {
  const reminder = {
    action: 'sendMessage',
    chat: 'allValues.clientPhone',
    text: 'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!',
    resultVariable: 'reminder',
  };
  const appointment = {
    allValues: { clientPhone: '+79000000011', clientName: 'Анна', appointmentDate: '03.03.2026', appointmentTime: '10:00', specialistName: 'Иванова Мария Петровна' },
  };
  const expected = 'Добрый день, Анна! Напоминаем о вашей записи на завтра, 03.03.2026, в 10:00. Специалист: Иванова Мария Петровна. Будем ждать вас!';

  test('the seed’s reminder reaches the client once, also when the task is retried', async () => {
    const gateway = httpGateway({ baseUrl: service.url });
    const outcome = await execute({ ...reminder, connection: token }, appointment, { gateway, idempotencyKey: 'process-1:remind:1' });
    assert.equal(outcome.outcome, 'completed', JSON.stringify(outcome));
    assert.equal(outcome.variables.reminder?.chat, '79000000011@s.whatsapp.net');

    const retried = await execute({ ...reminder, connection: token }, appointment, { gateway, idempotencyKey: 'process-1:remind:1' });
    assert.equal(retried.outcome === 'completed' && retried.result.id, outcome.result.id);
    assert.deepEqual((await seenBy('+79000000011')).map((view) => view.text), [expected]);
  });

  test('a wrong token leaves through the error event with UNAUTHORIZED', async () => {
    const outcome = await execute({ ...reminder, connection: 'wac_revoked' }, appointment, { gateway: httpGateway({ baseUrl: service.url }), idempotencyKey: 'process-2:remind:1' });
    assert.equal(outcome.outcome, 'error');
    assert.equal(outcome.error.code, 'UNAUTHORIZED');
  });

  test('a service that does not answer in time leaves through the timeout event', async () => {
    const silent = await fakeService(never);
    try {
      const outcome = await execute({ ...reminder, connection: token, timeoutMs: 50 }, appointment, { gateway: httpGateway({ baseUrl: silent.url }), idempotencyKey: 'process-3:remind:1' });
      assert.equal(outcome.outcome, 'timeout');
      assert.equal(outcome.error.code, 'TIMEOUT');
    } finally {
      await silent.close();
    }
  });
});
