/**
 * The README's walk-through as an integrator writes it: a client generated from `/openapi.json`
 * (openapi-typescript types in `api.d.ts`, openapi-fetch calls), no casts anywhere. Against a
 * sandbox service: `npx tsx examples/api-client/walkthrough.ts http://localhost:8080 <admin key>`.
 * `test/examples/api-client.test.ts` runs it and type-checks it under `strict` and
 * `noUncheckedIndexedAccess`.
 */
import { fileURLToPath } from 'node:url';
import createClient from 'openapi-fetch';
import { readServerSentEvents } from '../../src/service/sse-reader.js';
import type { components, paths } from './api.js';

type Schemas = components['schemas'];
type Problem = Schemas['Problem'];
/** What an action answers with `Prefer: respond-async` (202): the message it will send. */
type Queued = Schemas['MessageStatusView'];

export interface WalkThrough {
  session: Schemas['Session'];
  sent: Schemas['SendMessageResult'];
  reaction: Schemas['SendReactionResult'];
  edited: Schemas['EditMessageResult'];
  forwarded: Schemas['ForwardMessageResult'];
  location: Schemas['SendLocationResult'];
  contact: Schemas['SendContactResult'];
  deleted: Schemas['DeleteMessageResult'];
  status: Schemas['MessageStatusView'];
  /** The code of each error case, as the problem documents gave them. */
  errors: Record<'invalidChat' | 'twoEmoji' | 'wrongToken' | 'unknownToken' | 'editDeleted', Problem['code']>;
  sessionsListed: number;
  loggedOut: Schemas['Session']['state'];
}

/** Links a sandbox phone, runs all seven actions on the saved result, and meets each error on purpose. */
export async function walkThrough(baseUrl: string, adminKey: string, say: (line: string) => void = () => {}): Promise<WalkThrough> {
  const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminKey}` } });
  const open = createClient<paths>({ baseUrl });

  // 1. A session to link; a person would open linkUrl and scan the QR code.
  const created = await admin.POST('/v1/sessions', { body: { label: 'Clinic' } });
  if (!created.data) throw new Error(`createSession: ${created.error.code}`);
  const session = created.data;
  say(`session ${session.sessionId}: ${session.state}, link page ${session.linkUrl}`);

  // 2. The link stream gives the token once the phone is linked; in the sandbox, a virtual phone scans.
  const token = await linkAndTakeToken(baseUrl, session.sessionId, async () => {
    const scanned = await open.POST('/v1/sandbox/scan', { body: { sessionId: session.sessionId, phone: '+79000000001' } });
    if (scanned.error) throw new Error(`sandboxScan: ${scanned.error.code}`);
  });
  const wa = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });

  // 3. Send; the result names the message for every later action.
  const sentReply = await wa.POST('/v1/actions/sendMessage', {
    params: { header: { 'idempotency-key': 'walkthrough:reminder' } },
    body: { chat: '+7 (900) 123-45-67', text: 'Добрый день, Анна!' },
  });
  if (!sentReply.data) throw new Error(`sendMessage: ${sentReply.error.code}`);
  if (!isResult(sentReply.data)) throw new Error('sendMessage was queued, though asked without respond-async');
  const sent = sentReply.data;
  say(`sent ${sent.id} to ${sent.chat}: ${sent.status}`);

  // 4. The saved result passed back whole as `message`.
  const reaction = need(await wa.POST('/v1/actions/sendReaction', { body: { message: sent, emoji: '👍' } }));
  const edited = need(await wa.POST('/v1/actions/editMessage', { body: { message: sent, text: 'Добрый день, Анна! Приём в 11:00.' } }));
  const forwarded = need(await wa.POST('/v1/actions/forwardMessage', { body: { message: edited, chat: ['+79002222222', '+79003333333'] } }));
  const location = need(await wa.POST('/v1/actions/sendLocation', { body: { chat: sent.chat, location: { latitude: 55.7558, longitude: 37.6173, name: 'Clinic' } } }));
  const contact = need(await wa.POST('/v1/actions/sendContact', { body: { chat: sent.chat, contact: { name: 'Dr. Ivanova', phones: ['+79007654321'] } } }));
  const statusReply = await wa.GET('/v1/messages/{id}', { params: { path: { id: sent.id } } });
  if (!statusReply.data) throw new Error(`getMessage: ${statusReply.error.code}`);
  const status = statusReply.data;
  const deleted = need(await wa.POST('/v1/actions/deleteMessage', { body: { message: sent } }));
  say(`reacted ${reaction.emoji}, edited at ${edited.editedAt}, forwarded to ${forwarded.forwards.length} chats, deleted at ${deleted.deletedAt}`);

  // 5. The error cases: each a problem document with a stable code.
  const errors = {
    invalidChat: problemCode(await wa.POST('/v1/actions/sendMessage', { body: { chat: 'not a phone', text: 'x' } })),
    twoEmoji: problemCode(await wa.POST('/v1/actions/sendReaction', { body: { message: sent, emoji: '👍👍' } })),
    wrongToken: problemCode(await createClient<paths>({ baseUrl, headers: { authorization: 'Bearer wac_wrong' } }).GET('/v1/messages/{id}', { params: { path: { id: sent.id } } })),
    unknownToken: problemCode(await admin.DELETE('/v1/tokens/{tokenId}', { params: { path: { tokenId: 'tok_unknown' } } })),
    editDeleted: problemCode(await wa.POST('/v1/actions/editMessage', { body: { message: sent, text: 'too late' } })),
  };
  say(`errors: ${JSON.stringify(errors)}`);

  // 6. Tokens and sessions: another token, revoked; the session logged out.
  const issued = await admin.POST('/v1/sessions/{id}/tokens', { params: { path: { id: session.sessionId } } });
  if (!issued.data) throw new Error(`createToken: ${issued.error.code}`);
  const revoked = await admin.DELETE('/v1/tokens/{tokenId}', { params: { path: { tokenId: issued.data.tokenId } } });
  if (revoked.response.status !== 204) throw new Error(`revokeToken answered ${revoked.response.status}`);
  const listed = await admin.GET('/v1/sessions');
  if (!listed.data) throw new Error(`listSessions: ${listed.error.code}`);
  const removed = await admin.DELETE('/v1/sessions/{id}', { params: { path: { id: session.sessionId } } });
  if (!removed.data) throw new Error(`deleteSession: ${removed.error.code}`);

  return { session, sent, reaction, edited, forwarded, location, contact, deleted, status, errors, sessionsListed: listed.data.sessions.length, loggedOut: removed.data.state };
}

/** The answer's body on success; its problem's code otherwise. */
function need<T extends object>(reply: { data?: T; error?: Problem }): Exclude<T, Queued> {
  if (reply.data === undefined) throw new Error(reply.error ? `${reply.error.code}: ${reply.error.detail}` : 'no answer body');
  if (!isResult(reply.data)) throw new Error('the action was queued, though asked without respond-async');
  return reply.data;
}

/** Without `Prefer: respond-async` an action answers its result (200), never its queued message (202). */
function isResult<T extends object>(data: T): data is Exclude<T, Queued> {
  return !('updatedAt' in data);
}

/** The code of an answer that was meant to fail. */
function problemCode(reply: { error?: Problem }): Problem['code'] {
  if (!reply.error) throw new Error('expected an error answer');
  return reply.error.code;
}

/** Watches the link stream until `connected` carries the token; `scan` is called once the stream is open. */
async function linkAndTakeToken(baseUrl: string, sessionId: string, scan: () => Promise<void>): Promise<string> {
  const stop = new AbortController();
  const response = await fetch(`${baseUrl}/v1/sessions/${sessionId}/link`, { headers: { accept: 'text/event-stream' }, signal: stop.signal });
  if (!response.ok || !response.body) throw new Error(`link stream answered ${response.status}`);
  let scanned = false;
  let token: string | undefined;
  for await (const { event, data } of readServerSentEvents(response.body)) {
    if (event === 'qr' && !scanned) {
      scanned = true;
      await scan();
    }
    if (event === 'connected' && typeof data.token === 'string') {
      token = data.token;
      break;
    }
  }
  stop.abort();
  if (token === undefined) throw new Error('the link stream ended before the session was linked');
  return token;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [baseUrl = 'http://localhost:8080', adminKey = process.env.CONNECTOR_ADMIN_KEY ?? ''] = process.argv.slice(2);
  await walkThrough(baseUrl, adminKey, (line) => process.stdout.write(`${line}\n`));
}
