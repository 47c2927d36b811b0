import { readServerSentEvents } from '../../src/service/sse-reader.js';

/**
 * Links the clinic's virtual phone the way the link page does: start a session, follow its link
 * stream, let the phone scan, and take the token from the `connected` event. Waiting for that
 * event, not for a fixed pause, is what makes the demo hold up on a busy machine: the session is
 * connected only once the service has stored the link, which can take far longer than a scan.
 *
 * @example const { token } = await linkVirtualPhone({ baseUrl, adminKey, scan: (id) => sandbox.scan(id, '+79000000001') });
 */
export async function linkVirtualPhone(options: {
  baseUrl: string;
  adminKey: string;
  /** Plays the phone scanning the session's QR code. */
  scan(sessionId: string): unknown;
  /** Generous: a loaded machine is slow, and nothing waits on a timer inside. */
  timeoutMs?: number;
}): Promise<{ sessionId: string; token: string }> {
  const { baseUrl, adminKey } = options;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const created = await fetch(`${baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, signal });
  if (!created.ok) throw new Error(`creating a session: the service answered ${created.status} ${await created.text()}`);
  const { sessionId } = (await created.json()) as { sessionId: string };

  const abort = new AbortController();
  const stream = await fetch(`${baseUrl}/v1/sessions/${sessionId}/link`, {
    headers: { accept: 'text/event-stream' },
    signal: AbortSignal.any([signal, abort.signal]),
  });
  if (!stream.ok || !stream.body) throw new Error(`the link stream answered ${stream.status}`);
  try {
    // The stream is open before the scan, so its one `connected` event (the one with the token) is ours.
    await options.scan(sessionId);
    for await (const event of readServerSentEvents(stream.body)) {
      if (event.event === 'connected') return { sessionId, token: String(event.data.token) };
      if (event.event === 'failed') throw new Error(`linking failed: ${String(event.data.reason)}`);
    }
    throw new Error('the link stream ended before the phone was linked');
  } finally {
    abort.abort();
  }
}

