import { abortError } from '../actions/abort.js';
import type { ActionName } from '../domain/actions.js';
import { ConnectorError, isErrorCode } from '../domain/errors.js';
import type { ActionResults } from '../domain/result.js';
import type { ActionGateway } from './gateway.js';

export interface HttpGatewayOptions {
  /** The connector service, e.g. `https://wa.example.com`. */
  baseUrl: string;
  fetch?: typeof fetch;
}

/**
 * Acts through the connector service over HTTP; the task's `connection` is its token. A problem
 * answer becomes a ConnectorError with the service's code; a service that cannot be reached is
 * ENGINE_ERROR (the action may be retried with the same idempotency key: it never sends twice).
 *
 * @example await execute(properties, data, { gateway: httpGateway({ baseUrl: 'http://localhost:8080' }), idempotencyKey })
 */
export function httpGateway(options: HttpGatewayOptions): ActionGateway {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  return {
    async perform<A extends ActionName>(connection: string, action: A, input: Record<string, unknown>, { idempotencyKey, signal }: { idempotencyKey: string; signal: AbortSignal }) {
      let response: Response;
      try {
        response = await fetchImpl(`${base}/v1/actions/${action}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${connection}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify(input),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        throw new ConnectorError('ENGINE_ERROR', `The connector service at ${base} cannot be reached: ${(error as Error).message}`, undefined, { cause: error });
      }
      const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (response.ok && body) return body as unknown as ActionResults[A];
      const code = isErrorCode(body?.code) ? body.code : 'ENGINE_ERROR';
      const detail = typeof body?.detail === 'string' ? body.detail : `The connector service answered ${response.status}`;
      throw new ConnectorError(code, detail, (body?.details as Record<string, unknown> | undefined) ?? { status: response.status });
    },
  };
}
