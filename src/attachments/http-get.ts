import type { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ConnectorError } from '../domain/errors.js';
import { saveBody } from './body-file.js';
import { redactUrl, type ResolvedAddress } from './resolve-target.js';

/**
 * One GET over node:http(s), connected only to addresses checked beforehand, with the body
 * streamed to a file against a byte limit. Redirects are returned, not followed: the caller checks
 * each hop.
 */

export interface HttpGetRequest {
  url: URL;
  /** Already checked against the address policy; the connection goes to one of these only. */
  addresses: readonly ResolvedAddress[];
  maxBytes: number;
  /** Where a 2xx body is written; the caller deletes it, also after a failure. */
  bodyPath: string;
  /**
   * Claims bytes before they are read: the Content-Length once when the server declares it, else
   * each chunk as it arrives. Throwing refuses the body with that error.
   */
  claim?: (bytes: number) => void;
  headers: Record<string, string>;
  /** Aborting destroys the request at once; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
}

export type HttpGetResult =
  | { type: 'redirect'; status: number; location: string | undefined }
  | { type: 'body'; status: number; size: number; contentType: string | undefined };

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Sends the request and settles once: a redirect as soon as its headers arrive, a body once written
 * completely, ATTACHMENT_TOO_LARGE as soon as the body (or its Content-Length) exceeds the limit.
 * Once a body has started, a failure settles only after its file is closed.
 */
export function httpGet(request: HttpGetRequest): Promise<HttpGetResult> {
  const { url, maxBytes, signal } = request;
  return new Promise<HttpGetResult>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'GET',
      headers: request.headers,
      // a fresh connection per request: a pooled socket would skip the pinned lookup
      agent: false,
      lookup: pinnedLookup(request.addresses),
    });

    let settled = false;
    // set while a body is being written: a failure then waits for the file to close
    let writing: { failure?: unknown } | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown): void => {
      if (writing !== undefined) writing.failure ??= error;
      else settle(() => reject(error));
      req.destroy();
    };
    function onAbort(): void {
      fail(signal.reason);
    }

    if (signal.aborted) {
      fail(signal.reason);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });

    req.on('error', fail);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (redirectStatuses.has(status)) {
        settle(() => resolve({ type: 'redirect', status, location: res.headers.location }));
        req.destroy();
        return;
      }
      if (status < 200 || status > 299) {
        fail(
          new ConnectorError('ATTACHMENT_FETCH_FAILED', `${redactUrl(url)} answered ${status}`, {
            url: redactUrl(url),
            status,
            reason: 'status',
          }),
        );
        return;
      }

      const tooLarge = (received: number, declared?: number): ConnectorError =>
        new ConnectorError('ATTACHMENT_TOO_LARGE', `${redactUrl(url)} is larger than ${maxBytes} bytes`, {
          url: redactUrl(url),
          limit: maxBytes,
          received,
          ...(declared === undefined ? {} : { contentLength: declared }),
        });

      const declared = contentLengthOf(res.headers['content-length']);
      if (declared !== undefined && declared > maxBytes) {
        fail(tooLarge(0, declared));
        return;
      }

      const claim = request.claim ?? (() => undefined);
      try {
        if (declared !== undefined) claim(declared);
      } catch (error) {
        fail(error);
        return;
      }
      const body: { failure?: unknown } = {};
      writing = body;
      const contentType = res.headers['content-type'];
      saveBody(res, request.bodyPath, (chunk, received) => {
        if (received > maxBytes) throw tooLarge(received);
        if (declared === undefined) claim(chunk.length);
      }).then(
        (size) => settle(() => (body.failure === undefined ? resolve({ type: 'body', status, size, contentType }) : reject(body.failure))),
        (error: unknown) => {
          req.destroy();
          settle(() => reject(body.failure ?? bodyError(error, url)));
        },
      );
    });
    req.end();
  });
}

/**
 * A lookup for node:net that answers with the checked addresses only, so the name is never
 * resolved a second time (DNS rebinding between the check and the connection has nothing to
 * change). TLS still verifies the certificate against the host name in the URL.
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname: string, options: LookupOptions, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const candidates = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const first = candidates[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error('no checked address of the requested family');
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all === true) {
      callback(null, candidates.map((a): LookupAddress => ({ address: a.address, family: a.family })));
      return;
    }
    callback(null, first.address, first.family);
  };
}

function contentLengthOf(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** Our own refusals pass as they are; a body cut short (ECONNRESET "aborted") is the server's doing. */
function bodyError(error: unknown, url: URL): unknown {
  if (error instanceof ConnectorError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return connectionClosed(url);
  return error;
}

function connectionClosed(url: URL): ConnectorError {
  return new ConnectorError('ATTACHMENT_FETCH_FAILED', `${redactUrl(url)} closed the connection before the whole body arrived`, {
    url: redactUrl(url),
    reason: 'connection',
    error: 'ECONNRESET',
  });
}
