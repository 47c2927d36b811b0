import type { AttachmentFormat, AttachmentInput } from '../domain/actions.js';
import { ConnectorError } from '../domain/errors.js';
import { attachmentBudgets, defaultMediaSizeLimits, type MediaKind, type MediaSizeLimits } from '../domain/limits.js';
import { removeBody } from './body-file.js';
import { ByteBudget } from './byte-budget.js';
import { fetchAttachment, type FetchAttachmentOptions, type FetchedAttachment } from './fetch-attachment.js';

/** An attachment fetched, typed and checked against WhatsApp's limits, ready for an engine. */
export interface PreparedAttachment {
  title: string;
  fileName: string;
  /** The message type to send: `document` for the document format or a type not shown inline. */
  sendAs: MediaKind;
  /** Detected from the bytes. */
  mimeType: string;
  size: number;
  /** The bytes, in a file that lives until the batch is released. */
  path: string;
  /** The address given, without user name and password. */
  url: string;
}

/** The attachments of one action, holding their files and their share of the byte budget. */
export interface PreparedAttachments {
  files: PreparedAttachment[];
  /**
   * Deletes the files and gives their bytes back to the budget; call once the messages are sent
   * or have failed. Calling again does nothing.
   */
  release(): Promise<void>;
}

export interface PrepareAttachmentsOptions extends Omit<FetchAttachmentOptions, 'maxBytes' | 'claim'> {
  /** Per-kind limits; `defaultMediaSizeLimits` (image 5 MB, video and audio 16 MB, document 100 MB) by default. */
  sizeLimits?: MediaSizeLimits;
  /** The most bytes all attachments of one action may have together; `attachmentBudgets.requestMaxBytes` by default. */
  requestMaxBytes?: number;
  /**
   * The process's budget, shared by every action (RATE_LIMITED when it is spent). Without one, each
   * call has a budget of its own, `attachmentBudgets.processMaxBytes`.
   */
  budget?: ByteBudget;
  /** Downloads at once. Default 3. */
  concurrency?: number;
}

const defaultConcurrency = 3;

/**
 * Normalises the `attachments` property, fetches every file and decides how each is sent:
 * `document` format → always a document named by its title; `media` → image, video or audio by
 * the type detected from the bytes, else a document. A file over its kind's limit is refused
 * (ATTACHMENT_TOO_LARGE naming the kind), as WhatsApp would refuse it, rather than silently sent
 * as something else. Errors name the attachment's index and title.
 *
 * The bytes are claimed from the budget before they are read (ATTACHMENT_TOO_LARGE past the
 * action's share, RATE_LIMITED past the process's) and kept in files until `release`; on failure
 * everything is released before the error is thrown.
 *
 * @example
 * const batch = await prepareAttachments({ title: 'Invoice', url: 'https://files.example.com/42' }, 'document', {});
 * batch.files[0]?.fileName // 'Invoice.pdf'
 * await batch.release();
 */
export async function prepareAttachments(
  list: unknown,
  format: AttachmentFormat,
  options: PrepareAttachmentsOptions = {},
): Promise<PreparedAttachments> {
  const inputs = normalizeAttachments(list);
  const limits = options.sizeLimits ?? defaultMediaSizeLimits;
  const maxBytes = format === 'document' ? limits.document : Math.max(...Object.values(limits));
  const budget = options.budget ?? new ByteBudget(attachmentBudgets.processMaxBytes);
  const share = budget.forRequest(options.requestMaxBytes ?? attachmentBudgets.requestMaxBytes);
  const claim = (bytes: number): void => share.take(bytes);
  let fetched: FetchedAttachment[] = [];
  const release = async (): Promise<void> => {
    const files = fetched;
    fetched = [];
    await Promise.all(files.map((file) => removeBody(file.path)));
    share.release();
  };
  try {
    fetched = await fetchAll(inputs, { ...options, maxBytes, claim }, options.concurrency ?? defaultConcurrency);
    return { files: fetched.map((file, index) => toPrepared(file, index, format, limits)), release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Accepts a list of `{ title, url }` or one such object (absent means none); anything else is a
 * VALIDATION_ERROR listing every problem with its index.
 *
 * @example normalizeAttachments({ title: 'a', url: 'https://x.test/a' }) // [{ title: 'a', url: 'https://x.test/a' }]
 */
export function normalizeAttachments(list: unknown): AttachmentInput[] {
  if (list === undefined || list === null) return [];
  const items: unknown[] = Array.isArray(list) ? list : [list];
  if (!Array.isArray(list) && !isObject(list)) {
    throw invalid('attachments must be a list of { title, url } or one such object', [{ path: 'attachments', message: 'expected an object or a list' }]);
  }
  const issues: { path: string; message: string }[] = [];
  items.forEach((item, index) => {
    if (!isObject(item)) {
      issues.push({ path: `attachments.${index}`, message: 'expected an object { title, url }' });
      return;
    }
    for (const field of ['title', 'url'] as const) {
      const value = item[field];
      if (typeof value !== 'string' || value.trim() === '') {
        issues.push({ path: `attachments.${index}.${field}`, message: `${field} must be a non-empty string` });
      }
    }
  });
  const first = issues[0];
  if (first !== undefined) {
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw invalid(`Invalid attachments: ${summary}`, issues, { index: Number(first.path.split('.')[1]) });
  }
  return (items as { title: string; url: string }[]).map(({ title, url }) => ({ title, url: url.trim() }));
}

function toPrepared(file: FetchedAttachment, index: number, format: AttachmentFormat, limits: MediaSizeLimits): PreparedAttachment {
  const sendAs: MediaKind = format === 'document' ? 'document' : file.kind;
  const limit = limits[sendAs];
  if (file.size > limit) {
    throw new ConnectorError(
      'ATTACHMENT_TOO_LARGE',
      `attachment ${index} "${file.title}" is ${file.size} bytes; WhatsApp takes a ${sendAs} of at most ${limit} bytes`,
      { index, title: file.title, kind: sendAs, limit, size: file.size, url: file.url },
    );
  }
  return {
    title: file.title,
    fileName: file.fileName,
    sendAs,
    mimeType: file.mimeType,
    size: file.size,
    path: file.path,
    url: file.url,
  };
}

/**
 * Fetches with a few downloads at once. The first failure stops the rest (their downloads are
 * aborted and awaited, so no socket outlives the call), deletes the files already fetched, and is
 * reported with its index.
 */
async function fetchAll(
  inputs: AttachmentInput[],
  options: FetchAttachmentOptions,
  concurrency: number,
): Promise<FetchedAttachment[]> {
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  const results: FetchedAttachment[] = new Array<FetchedAttachment>(inputs.length);
  let failure: { error: unknown } | undefined;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < inputs.length) {
      const index = next;
      next += 1;
      const input = inputs[index] as AttachmentInput;
      try {
        results[index] = await fetchAttachment(input, { ...options, signal });
      } catch (error) {
        if (failure === undefined) {
          // the caller's own cancellation is reported as it is, not as this attachment's failure
          failure = { error: options.signal?.aborted === true ? error : withIndex(error, index, input.title) };
          stop.abort(failure.error);
        }
      }
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, worker);
  await Promise.all(workers);
  if (failure !== undefined) {
    await Promise.all(results.map((file) => removeBody(file.path)));
    throw failure.error;
  }
  return results;
}

/** Adds the attachment's index and title to a fetch error. */
function withIndex(error: unknown, index: number, title: string): unknown {
  if (!(error instanceof ConnectorError)) return error;
  return new ConnectorError(error.code, `attachment ${index} "${title}": ${error.message}`, { ...error.details, index, title }, { cause: error });
}

function invalid(message: string, issues: { path: string; message: string }[], extra: Record<string, unknown> = {}): ConnectorError {
  return new ConnectorError('VALIDATION_ERROR', message, { ...extra, issues });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
