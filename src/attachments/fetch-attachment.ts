import { ConnectorError } from '../domain/errors.js';
import { untilAborted } from '../actions/abort.js';
import type { MediaKind } from '../domain/limits.js';
import type { AddressPolicy } from './address-policy.js';
import { newBodyPath, removeBody } from './body-file.js';
import { detectFileType } from './detect-type.js';
import { fileNameFor } from './file-name.js';
import { httpGet } from './http-get.js';
import { parseAttachmentUrl, redactUrl, resolveAllowedAddresses, systemLookup, type HostLookup } from './resolve-target.js';

export interface FetchAttachmentOptions extends AddressPolicy {
  /** The most bytes accepted for any kind (the document limit); more aborts the download. */
  maxBytes: number;
  /** Time for the whole fetch: DNS, every redirect, headers and body. Default 30 000. */
  timeoutMs?: number;
  /** The caller's cancellation; its reason is rethrown when it is a ConnectorError, else TIMEOUT. */
  signal?: AbortSignal;
  /** Default 5. */
  maxRedirects?: number;
  /**
   * Claims bytes before they are read (the Content-Length, or each chunk of a body without one);
   * throwing refuses the download with that error. A request's share of the byte budget.
   */
  claim?: (bytes: number) => void;
  /** Where bodies are written; the system's temporary folder by default. */
  directory?: string;
  /** Resolves host names; the system resolver by default, a fake in tests. */
  lookup?: HostLookup;
  userAgent?: string;
}

export interface FetchedAttachment {
  title: string;
  /** The address given, without user name and password. */
  url: string;
  /** Where the bytes came from after redirects, without user name and password. */
  finalUrl: string;
  /** The bytes, in a file the caller owns and deletes (`removeBody`) once they are sent. */
  path: string;
  size: number;
  /** Detected from the bytes, never taken from the URL or the Content-Type. */
  mimeType: string;
  /** How WhatsApp can show the detected type; `document` when not inline. */
  kind: MediaKind;
  /** The detected type's extension, without the dot. */
  extension?: string;
  /** The sanitised title, with the detected extension when the title has none. */
  fileName: string;
  /** The server's Content-Type, for information only. */
  declaredType?: string;
}

export const defaultFetchTimeoutMs = 30_000;
export const defaultMaxRedirects = 5;
const defaultUserAgent = 'whatsapp-connector (attachment fetcher)';

/**
 * Downloads one attachment into a file, refusing addresses inside the network before connecting
 * (each redirect hop too), pinning the connection to the checked addresses, and stopping as soon as
 * the body exceeds `maxBytes`. On failure the file is gone.
 *
 * @example
 * const file = await fetchAttachment({ title: 'Invoice', url: 'https://files.example.com/42' }, { maxBytes: 100 * 1024 * 1024 });
 * file.fileName // 'Invoice.pdf'
 */
export async function fetchAttachment(
  input: { title: string; url: string },
  options: FetchAttachmentOptions,
): Promise<FetchedAttachment> {
  const firstUrl = parseAttachmentUrl(input.url);
  const deadline = startDeadline(firstUrl, options);
  const policy: AddressPolicy = { allowPrivateAddresses: options.allowPrivateAddresses, allowAddress: options.allowAddress };
  const lookup = options.lookup ?? systemLookup;
  const maxRedirects = options.maxRedirects ?? defaultMaxRedirects;
  const headers = {
    'user-agent': options.userAgent ?? defaultUserAgent,
    accept: '*/*',
    'accept-encoding': 'identity',
  };

  let url = firstUrl;
  const bodyPath = newBodyPath(options.directory);
  try {
    for (let redirects = 0; ; redirects += 1) {
      deadline.signal.throwIfAborted();
      const addresses = await untilAborted(resolveAllowedAddresses(url, policy, lookup), deadline.signal);
      const answer = await httpGet({ url, addresses, maxBytes: options.maxBytes, bodyPath, headers, signal: deadline.signal, ...(options.claim ? { claim: options.claim } : {}) });
      if (answer.type === 'body') {
        const type = await detectFileType(bodyPath);
        return {
          title: input.title,
          url: redactUrl(firstUrl),
          finalUrl: redactUrl(url),
          path: bodyPath,
          size: answer.size,
          mimeType: type.mimeType,
          kind: type.kind,
          ...(type.extension === undefined ? {} : { extension: type.extension }),
          fileName: fileNameFor(input.title, type.extension),
          ...(answer.contentType === undefined ? {} : { declaredType: answer.contentType }),
        };
      }
      if (redirects >= maxRedirects) {
        throw new ConnectorError('ATTACHMENT_FETCH_FAILED', `${redactUrl(firstUrl)} redirected more than ${maxRedirects} times`, {
          url: redactUrl(firstUrl),
          reason: 'too-many-redirects',
          maxRedirects,
        });
      }
      url = nextHop(url, answer.status, answer.location);
    }
  } catch (error) {
    await removeBody(bodyPath);
    throw deadline.explain(error, url);
  } finally {
    deadline.dispose();
  }
}

/** The redirect target, checked like the first address (the address policy follows on the next hop). */
function nextHop(from: URL, status: number, location: string | undefined): URL {
  if (location === undefined || location === '') {
    throw new ConnectorError('ATTACHMENT_FETCH_FAILED', `${redactUrl(from)} answered ${status} without a Location`, {
      url: redactUrl(from),
      status,
      reason: 'redirect',
    });
  }
  try {
    return parseAttachmentUrl(location, from);
  } catch (error) {
    if (error instanceof ConnectorError && error.code === 'VALIDATION_ERROR') {
      throw new ConnectorError('ATTACHMENT_FETCH_FAILED', `${redactUrl(from)} redirected to an invalid address`, {
        url: redactUrl(from),
        status,
        reason: 'redirect',
      });
    }
    throw error;
  }
}

interface Deadline {
  /** Aborts with the ConnectorError to report: the timeout's, or the caller's. */
  signal: AbortSignal;
  /** The error to report for anything thrown while fetching. */
  explain(error: unknown, url: URL): ConnectorError;
  dispose(): void;
}

function startDeadline(url: URL, options: FetchAttachmentOptions): Deadline {
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? defaultFetchTimeoutMs;
  const caller = options.signal;

  const onCallerAbort = (): void => controller.abort(callerAbortError(caller?.reason, url));
  if (caller?.aborted === true) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });

  const timer = setTimeout(() => {
    controller.abort(
      new ConnectorError('ATTACHMENT_FETCH_FAILED', `${redactUrl(url)} did not arrive within ${timeoutMs} ms`, {
        url: redactUrl(url),
        reason: 'timeout',
        timeoutMs,
      }),
    );
  }, timeoutMs);

  return {
    signal: controller.signal,
    explain(error, current) {
      if (error instanceof ConnectorError) return error;
      if (controller.signal.aborted) return controller.signal.reason as ConnectorError;
      return connectionFailed(current, error);
    },
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

function callerAbortError(reason: unknown, url: URL): ConnectorError {
  if (reason instanceof ConnectorError) return reason;
  return new ConnectorError('TIMEOUT', `fetching ${redactUrl(url)} was cancelled`, { url: redactUrl(url) }, { cause: reason });
}

function connectionFailed(url: URL, error: unknown): ConnectorError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(
    'ATTACHMENT_FETCH_FAILED',
    `${redactUrl(url)} could not be fetched: ${message}`,
    { url: redactUrl(url), reason: 'connection', ...(code === undefined ? {} : { error: code }) },
    { cause: error },
  );
}
