import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { httpGateway, type ActionGateway } from '../../src/component/index.js';
import { feedReplies, ReplyWaits, streamedReplies } from '../../src/adapters/bpmn-engine/index.js';
import { AppointmentCatalog, type NewAppointment } from '../../examples/appointment-reminder/catalog.js';
import { confirmations } from '../../examples/appointment-reminder/confirmation.js';
import { reminderScenario } from '../../examples/appointment-reminder/scenario.js';
import { eventually } from '../support/eventually.js';
import { call } from '../support/http.js';
import { linkPhone, startTestService, tempDir, type TestService } from '../support/service.js';

const hour = 60 * 60 * 1000;

let service: TestService;
let token: string;

before(async () => {
  service = await startTestService();
  ({ token } = await linkPhone(service, '+79000000001'));
});
after(() => service.close());

function appointment(n: number, startsIn: number): NewAppointment {
  return {
    clientName: `Клиент ${n}`,
    clientPhone: `+7900555${String(n).padStart(4, '0')}`,
    appointmentDate: '03.03.2026',
    appointmentTime: `${String(9 + n).padStart(2, '0')}:00`,
    specialistName: 'Иванова Мария Петровна',
    startsAt: service.clock.now() + startsIn,
  };
}

async function messagesTo(phone: string): Promise<{ text?: string }[]> {
  return (await call<{ messages: { text?: string }[] }>(service.url, 'GET', `/v1/sandbox/chats/${encodeURIComponent(phone)}/messages`)).body.messages;
}

test('reminds each client due in 24 h exactly once, also when the host dies midway and starts over', async () => {
  const catalog = new AppointmentCatalog(join(tempDir(), 'catalog.db'));
  const due = [1, 2, 3, 4].map((n) => catalog.add(appointment(n, (2 + n) * hour)));
  const later = catalog.add(appointment(5, 30 * hour));
  const gateway = httpGateway({ baseUrl: service.url });

  // The first run dies after the third reminder left but before it was marked: its gateway sends,
  // then never answers, as a process that crashed would.
  let sends = 0;
  const dying: ActionGateway = {
    perform: async (connection, action, input, options) => {
      const result = await gateway.perform(connection, action, input, options);
      if (++sends === 3) return new Promise<never>(() => {});
      return result;
    },
  };
  const crashed = reminderScenario({ catalog, gateway: dying, connection: token, clock: service.clock })();
  await eventually(() => sends >= 3, 'the third reminder to leave');
  assert.equal(sends, 3);
  assert.deepEqual(catalog.all().map((a) => a.remindedAt !== null), [true, true, false, false, false]);
  void crashed;

  // Started over (and once more for good measure): the third is not sent again, the fourth goes out.
  const run = reminderScenario({ catalog, gateway, connection: token, clock: service.clock });
  assert.equal((await run()).status, 'completed');
  assert.equal((await run()).status, 'completed');

  for (const appointmentDue of due) {
    const seen = await messagesTo(appointmentDue.clientPhone);
    assert.equal(seen.length, 1, `${appointmentDue.clientName} got one reminder`);
    assert.equal(
      seen[0]?.text,
      `Добрый день, ${appointmentDue.clientName}! Напоминаем о вашей записи на завтра, 03.03.2026, в ${appointmentDue.appointmentTime}. Специалист: Иванова Мария Петровна. Будем ждать вас! Ответьте 1, чтобы подтвердить запись, или 2, чтобы отменить.`,
    );
  }
  assert.deepEqual(await messagesTo(later.clientPhone), [], 'not due yet');
  assert.deepEqual(catalog.all().map((a) => a.remindedAt !== null), [true, true, true, true, false]);
  catalog.close();
});

test('a client without WhatsApp is noted once and not retried', async () => {
  const catalog = new AppointmentCatalog(join(tempDir(), 'catalog.db'));
  await call(service.url, 'POST', '/v1/sandbox/phones', { body: { phone: '+79006660000', onWhatsApp: false } });
  const noAccount = catalog.add({ ...appointment(6, 3 * hour), clientPhone: '+79006660000' });
  const run = reminderScenario({ catalog, gateway: httpGateway({ baseUrl: service.url }), connection: token, clock: service.clock });
  assert.equal((await run()).status, 'completed');
  assert.ok(catalog.get(noAccount.id)?.reminderError);
  assert.equal((await run()).status, 'completed');
  catalog.close();
});

test('a large round goes as a batch; a batch with a client without WhatsApp goes one by one, so only that client is noted and nobody gets two', async () => {
  const catalog = new AppointmentCatalog(join(tempDir(), 'catalog.db'));
  await call(service.url, 'POST', '/v1/sandbox/phones', { body: { phone: '+79006660001', onWhatsApp: false } });
  const due = [11, 12, 13, 14, 15].map((n) => catalog.add(appointment(n, n * hour)));
  const noAccount = catalog.add({ ...appointment(16, 2 * hour), clientPhone: '+79006660001' });
  const reminded: number[] = [];
  // A clinic of its own: the keys name the catalog's ids, which the catalogs of the tests above share.
  const clinic = await linkPhone(service, '+79000000002');
  const http = httpGateway({ baseUrl: service.url });
  const keys: string[] = [];
  const gateway: ActionGateway = { perform: (connection, action, input, options) => (keys.push(options.idempotencyKey), http.perform(connection, action, input, options)) };
  // Rounds of 3 with at most 1 one by one: the first round (the client without WhatsApp first) fails
  // as a batch and goes one by one; the second is a batch.
  const run = reminderScenario({
    catalog,
    gateway,
    connection: clinic.token,
    clock: service.clock,
    batchSize: 3,
    oneByOneUpTo: 1,
    onReminder: (appointment) => reminded.push(appointment.id),
  });

  assert.equal((await run()).status, 'completed');

  for (const appointmentDue of due) assert.equal((await messagesTo(appointmentDue.clientPhone)).length, 1, `${appointmentDue.clientName} got one reminder`);
  assert.deepEqual(reminded.sort(), due.map((a) => a.id).sort(), 'each reminder recorded once');
  assert.ok(catalog.get(noAccount.id)?.reminderError, 'the client without WhatsApp is noted');
  const asked = (a: { id: number }) => keys.filter((key) => key === `appointment-reminder:${a.id}`).length;
  assert.deepEqual([noAccount, ...due].map(asked), [2, 2, 2, 1, 1, 1], 'the first round was asked for twice (as a batch, then one by one), the second once');
  assert.deepEqual(catalog.all().filter((a) => a.id !== noAccount.id).map((a) => a.remindedAt !== null), [true, true, true, true, true]);
  catalog.close();
});

/** The clients' answers as the process hears them: the connection's event stream, fed to the waiting instances. */
async function answersFeed(token: string, after?: number) {
  const replies = new ReplyWaits();
  const stream = streamedReplies({ baseUrl: service.url, token, ...(after !== undefined ? { after } : {}) });
  const stop = feedReplies(stream, replies);
  await stream.ready();
  return { replies, stream, stop };
}

test('the clients answer the reminder: 1 confirms, 2 cancels, anything else is waited past, 12 h of silence is no answer; a restart while they wait loses none', async () => {
  const catalog = new AppointmentCatalog(join(tempDir(), 'catalog.db'));
  const clinicPhone = '+79000000003';
  const clinic = await linkPhone(service, clinicPhone);
  const [confirming, cancelling, unsure, silent] = [21, 22, 23, 24].map((n) => catalog.add(appointment(n, 3 * hour)));
  const gateway = httpGateway({ baseUrl: service.url });
  const answers: string[] = [];
  const onAnswer = (a: { id: number }, answer: string) => answers.push(`${a.id}:${answer}`);

  let feed = await answersFeed(clinic.token);
  let host = confirmations({ catalog, gateway, replies: feed.replies, clock: service.clock, onAnswer });
  const run = reminderScenario({ catalog, gateway, connection: clinic.token, clock: service.clock, onReminder: (a) => void host.ask(clinic.token, a) });
  assert.equal((await run()).status, 'completed');
  await eventually(() => feed.replies.size === 4, 'every client’s confirmation to wait');
  await host.idle();

  // The host restarts while all four wait: its processes stop, their states stay in the catalog's database.
  await host.stop();
  feed.stop();
  feed = await answersFeed(clinic.token, feed.stream.lastEventId);
  host = confirmations({ catalog, gateway, replies: feed.replies, clock: service.clock, onAnswer });
  assert.equal((await host.recover()).length, 4, 'each waiting process recovered');
  await eventually(() => feed.replies.size === 4, 'the recovered processes to wait again');

  const reply = (from: string, text: string) => call(service.url, 'POST', '/v1/sandbox/messages', { body: { from, to: clinicPhone, text } });
  await reply(confirming!.clientPhone, '1');
  await reply(cancelling!.clientPhone, '2, не смогу прийти');
  await reply(unsure!.clientPhone, 'А можно перенести?');
  await eventually(() => catalog.get(cancelling!.id)?.answer === 'cancelled' && catalog.get(confirming!.id)?.answer === 'confirmed', 'the answers 1 and 2 recorded');
  await eventually(() => feed.replies.size === 2, 'the unclear answer waited past');
  await reply(unsure!.clientPhone, '1');
  await eventually(() => catalog.get(unsure!.id)?.answer === 'confirmed', 'the second answer recorded');

  service.clock.advance(12 * hour);
  await eventually(() => catalog.get(silent!.id)?.answer === 'no answer', 'the silent client marked no answer');
  assert.deepEqual(answers.sort(), [`${confirming!.id}:confirmed`, `${cancelling!.id}:cancelled`, `${unsure!.id}:confirmed`, `${silent!.id}:no answer`].sort());
  await eventually(() => host.waiting === 0, 'every confirmation ended');
  await host.idle();
  assert.equal((await catalog.waitingProcesses().list()).length, 0, 'no state left behind');
  feed.stop();
  catalog.close();
});
