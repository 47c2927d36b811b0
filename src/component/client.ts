import { abortError } from '../actions/abort.js';
import type { ActionInputs, ActionName } from '../domain/actions.js';
import { ConnectorError, isErrorCode, type ErrorCode } from '../domain/errors.js';
import type { MessageRef } from '../domain/message.js';
import type { ActionResults, MessageStatusView } from '../domain/result.js';
import type { ActionGateway, GatewayCallOptions } from './gateway.js';
import { defaultTimeoutMs } from './properties.js';

/**
 * The typed client of the connector service's action API (PRODUCT §4), and the gateway that lets
 * the component act through it.
 *
 * Every failure is a ConnectorError, so a process routes on one code whatever went wrong:
 *
 * | what happened | code |
 * |---|---|
 * | a problem answer with a code of `errorCodes` | that code; `detail` and `details` as sent |
 * | an error answer without a known code (a proxy page, a newer service) | by status: 401 `UNAUTHORIZED`, 403 `FORBIDDEN`, 408 and 504 `TIMEOUT`, 429 `RATE_LIMITED`, other 5xx `ENGINE_ERROR`, anything else `INTERNAL` |
 * | a success answer that is not a JSON object (`baseUrl` is not the service) | `INTERNAL` |
 * | the service cannot be reached, or the connection breaks mid-answer | `ENGINE_ERROR` |
 * | the caller's signal aborts | its reason when that is a ConnectorError, else `TIMEOUT` |
 * | no answer within the client's `timeoutMs` | `TIMEOUT` |
 *
 * `ENGINE_ERROR`, `TIMEOUT` and `RATE_LIMITED` may have happened after the service received the
 * action, so the action may have been sent: retry with the same idempotency key, which returns the
 * first result instead of sending twice. `INTERNAL` means client and service do not understand
 * each other; retrying does not help.
 */

export interface ClientOptions {
  /** The connector service, e.g. `https://wa.example.com`. */
  baseUrl: string;
  /** A connection token (`wac_…`) from the token service. */
  token: string;
  fetch?: typeof fetch;
  /** Time limit of one request in ms, 30000 by default; 0 or Infinity: none. */
  timeoutMs?: number;
}

export interface ActionCallOptions {
  /** Same key and input → the first result, nothing sent twice; same key, other input → IDEMPOTENCY_CONFLICT. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

export type { MessageStatusView };

/** An action's input, where `message` also takes an earlier result object whole (as typed, without an index signature). */
export type ClientActionInputs = {
  [A in ActionName]: ActionInputs[A] extends { message: infer Target } ? Omit<ActionInputs[A], 'message'> & { message: Target | MessageRef } : ActionInputs[A];
};

/** One method per action, each taking that action's input and giving its result. */
export type ActionMethods = {
  [A in ActionName]: (input: ClientActionInputs[A], options: ActionCallOptions) => Promise<ActionResults[A]>;
};

export interface ConnectorClient extends ActionMethods {
  /** Performs any action by name: `POST /v1/actions/{action}`. */
  perform<A extends ActionName>(action: A, input: ClientActionInputs[A], options: ActionCallOptions): Promise<ActionResults[A]>;
  /** The last known status of a message this connection sent: `GET /v1/messages/{id}`. */
  getMessage(id: string, options?: { signal?: AbortSignal }): Promise<MessageStatusView>;
}

/**
 * A client bound to one connection token.
 *
 * @example
 * const whatsapp = createClient({ baseUrl: 'http://localhost:8080', token: process.env.WA_TOKEN! });
 * const sent = await whatsapp.sendMessage({ chat: '+79001234567', text: 'Hello!' }, { idempotencyKey: 'order-42:confirm' });
 * await whatsapp.editMessage({ message: sent, text: 'Hello again!' }, { idempotencyKey: 'order-42:fix' });
 */
export function createClient(options: ClientOptions): ConnectorClient {
  const request = connectorRequest(options.baseUrl, options.fetch ?? fetch);
  const { token } = options;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const perform = <A extends ActionName>(action: A, input: ClientActionInputs[A], { idempotencyKey, signal }: ActionCallOptions) =>
    request<ActionResults[A]>('POST', `/v1/actions/${encodeURIComponent(action)}`, { token, body: input, idempotencyKey, signal, timeoutMs });
  return {
    perform,
    sendMessage: (input, call) => perform('sendMessage', input, call),
    sendLocation: (input, call) => perform('sendLocation', input, call),
    sendContact: (input, call) => perform('sendContact', input, call),
    sendReaction: (input, call) => perform('sendReaction', input, call),
    forwardMessage: (input, call) => perform('forwardMessage', input, call),
    editMessage: (input, call) => perform('editMessage', input, call),
    deleteMessage: (input, call) => perform('deleteMessage', input, call),
    getMessage: (id, call) => request<MessageStatusView>('GET', `/v1/messages/${encodeURIComponent(id)}`, { token, signal: call?.signal, timeoutMs }),
  };
}

export interface HttpGatewayOptions {
  /** The connector service, e.g. `https://wa.example.com`. */
  baseUrl: string;
  fetch?: typeof fetch;
}

/**
 * Acts through the connector service over HTTP; the task's `connection` is its token. Errors are
 * those of `createClient`; the task's own `timeoutMs` (through the executor's signal) is the only
 * time limit.
 *
 * @example await execute(properties, data, { gateway: httpGateway({ baseUrl: 'http://localhost:8080' }), idempotencyKey })
 */
export function httpGateway(options: HttpGatewayOptions): ActionGateway {
  const request = connectorRequest(options.baseUrl, options.fetch ?? fetch);
  return {
    perform: <A extends ActionName>(connection: string, action: A, input: Record<string, unknown>, { idempotencyKey, signal, timeoutMs, respondAsync }: GatewayCallOptions) =>
      request<ActionResults[A] | MessageStatusView>('POST', `/v1/actions/${encodeURIComponent(action)}`, {
        token: connection,
        body: input,
        idempotencyKey,
        signal,
        timeoutMs: 0,
        ...(timeoutMs !== undefined ? { waitMs: timeoutMs } : {}),
        respondAsync: respondAsync === true,
      }),
  };
}

interface Call {
  token: string;
  body?: unknown;
  idempotencyKey?: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** How long the caller waits, when its own signal (not `timeoutMs`) is the limit. */
  waitMs?: number;
  respondAsync?: boolean;
}

/** One request to the service, every failure turned into a ConnectorError (see the table above). */
function connectorRequest(baseUrl: string, fetchImpl: typeof fetch) {
  const base = baseUrl.replace(/\/+$/, '');
  return async <T>(method: 'GET' | 'POST', path: string, call: Call): Promise<T> => {
    const url = `${base}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${call.token}`, accept: 'application/json, application/problem+json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    headers.prefer = preferences(call);
    const deadline = withDeadline(call.signal, call.timeoutMs);
    const { signal } = deadline;
    try {
      let status: number;
      let text: string;
      try {
        signal.throwIfAborted();
        const response = await fetchImpl(url, { method, headers, signal, ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}) });
        status = response.status;
        text = await response.text();
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        throw new ConnectorError('ENGINE_ERROR', `The connector service at ${base} cannot be reached: ${(error as Error).message}`, { url }, { cause: error });
      }
      const body = parseJson(text);
      if (status >= 200 && status < 300) {
        if (isObject(body)) return body as T;
        throw new ConnectorError('INTERNAL', `${url} answered ${status} without a JSON object; is ${base} the connector service?`, { url, status });
      }
      throw problemError(status, body);
    } finally {
      deadline.clear();
    }
  };
}

/**
 * RFC 7240: `respond-async` asks for the queued message at once; `wait` tells the service when this
 * caller stops waiting, so an action still queued then is withdrawn rather than sent later.
 */
function preferences(call: Call): string {
  const waitMs = call.waitMs ?? call.timeoutMs;
  const wanted = [...(call.respondAsync ? ['respond-async'] : []), ...(Number.isFinite(waitMs) && waitMs > 0 ? [`wait=${Math.ceil(waitMs / 1000)}`] : [])];
  return wanted.join(', ');
}

/** A problem document (RFC 9457) becomes the error it reports; anything else is judged by its status. */
function problemError(status: number, body: unknown): ConnectorError {
  const problem = isObject(body) ? body : {};
  const detail = typeof problem.detail === 'string' ? problem.detail : `The connector service answered ${status}`;
  const details = isObject(problem.details) ? problem.details : undefined;
  if (isErrorCode(problem.code)) return new ConnectorError(problem.code, detail, details);
  const unknownCode = typeof problem.code === 'string' ? { problemCode: problem.code } : {};
  return new ConnectorError(codeForStatus(status), detail, { ...details, status, ...unknownCode });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'ENGINE_ERROR';
  return 'INTERNAL';
}

/** The caller's signal, and a TIMEOUT after `timeoutMs` when that is finite and positive. */
function withDeadline(outer: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const timer =
    Number.isFinite(timeoutMs) && timeoutMs > 0
      ? setTimeout(() => controller.abort(new ConnectorError('TIMEOUT', `The connector service did not answer within ${timeoutMs} ms`, { timeoutMs })), timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
