import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { defaultMediaSizeLimits } from '../domain/limits.js';
import { ByteBudget } from './byte-budget.js';
import { normalizeAttachments, prepareAttachments, type PrepareAttachmentsOptions } from './prepare.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';
import { eventually } from '../../test/support/eventually.js';
import {
  guardConnections,
  sampleGif,
  sampleJpeg,
  sampleMp4,
  sampleOggOpus,
  samplePdf,
  samplePng,
  sampleText,
  serve,
  slowStream,
  startServer,
  type ConnectionGuard,
  type StreamState,
  type TestServer,
} from './test-support.js';

const MB = 1024 * 1024;
const local: PrepareAttachmentsOptions = { allowPrivateAddresses: true };


let guard: ConnectionGuard;
let server: TestServer;
/** Requests to /never-answers, and how many of them the client gave up (closed its connection). */
const abandoned = { pending: 0, closed: 0 };
const bigJpeg = sampleJpeg(6 * MB);
const threeMb = sampleJpeg(3 * MB);
/** Files of 3 MB sent in full; the server counts the bytes it wrote. */
let servedBytes = 0;
/** Announces 3 MB and sends nothing until the client hangs up: any byte read would hang the test. */
const announced: { closed?: Promise<unknown> } = {};
const endless: StreamState = { written: 0, finished: false };
let directory: string;

before(async () => {
  guard = guardConnections();
  server = await startServer({
    '/photo': serve(samplePng(), { 'content-type': 'application/octet-stream' }),
    '/clip': serve(sampleMp4()),
    '/voice': serve(sampleOggOpus()),
    '/invoice': serve(samplePdf()),
    '/notes': serve(sampleText()),
    '/funny': serve(sampleGif()),
    '/big-photo': serve(bigJpeg, { 'content-type': 'image/jpeg' }),
    '/never-answers': (req) => {
      abandoned.pending += 1;
      req.socket.once('close', () => (abandoned.closed += 1));
    },
    '/three-mb': (req, res) => {
      servedBytes += threeMb.length;
      serve(threeMb)(req, res);
    },
    '/announces-three-mb': (_req, res) => {
      announced.closed = once(res, 'close');
      res.writeHead(200, { 'content-length': String(3 * MB) }).flushHeaders();
    },
    '/endless': slowStream(50 * MB, endless),
  });
  directory = await mkdtemp(join(tmpdir(), 'prepare-test-'));
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
  await server.close();
  guard.dispose();
  assert.deepEqual(guard.blocked, []);
});

describe('prepareAttachments', () => {
  it('sends media as image, video or audio by the detected type, and the rest as documents', async () => {
    const list = [
      { title: 'Photo', url: server.url('/photo') },
      { title: 'Clip', url: server.url('/clip') },
      { title: 'Voice', url: server.url('/voice') },
      { title: 'Invoice', url: server.url('/invoice') },
      { title: 'Notes', url: server.url('/notes') },
      { title: 'Funny', url: server.url('/funny') },
    ];
    const batch = await prepareAttachments(list, 'media', local);
    const prepared = batch.files;
    assert.deepEqual(
      prepared.map(({ sendAs, mimeType, fileName }) => ({ sendAs, mimeType, fileName })),
      [
        { sendAs: 'image', mimeType: 'image/png', fileName: 'Photo.png' },
        { sendAs: 'video', mimeType: 'video/mp4', fileName: 'Clip.mp4' },
        { sendAs: 'audio', mimeType: 'audio/ogg; codecs=opus', fileName: 'Voice.opus' },
        { sendAs: 'document', mimeType: 'application/pdf', fileName: 'Invoice.pdf' },
        { sendAs: 'document', mimeType: 'text/plain', fileName: 'Notes.txt' },
        { sendAs: 'document', mimeType: 'image/gif', fileName: 'Funny.gif' },
      ],
    );
    assert.deepEqual(await readFile(prepared[0]?.path ?? ''), samplePng());
    assert.equal(prepared[0]?.url, server.url('/photo'));
    assert.equal(prepared[0]?.title, 'Photo');
    assert.equal(prepared[0]?.size, samplePng().length);
    await batch.release();
  });

  it('sends everything as a document named by its title in document format', async () => {
    const { files: prepared, release } = await prepareAttachments(
      [
        { title: 'Holiday photo.png', url: server.url('/photo') },
        { title: 'Clip', url: server.url('/clip') },
        { title: 'Contract/2024', url: server.url('/invoice') },
      ],
      'document',
      local,
    );
    assert.deepEqual(
      prepared.map(({ sendAs, fileName, mimeType }) => ({ sendAs, fileName, mimeType })),
      [
        { sendAs: 'document', fileName: 'Holiday photo.png', mimeType: 'image/png' },
        { sendAs: 'document', fileName: 'Clip.mp4', mimeType: 'video/mp4' },
        { sendAs: 'document', fileName: 'Contract_2024.pdf', mimeType: 'application/pdf' },
      ],
    );
    await release();
  });

  it('accepts a single object as well as a list', async () => {
    const { files: prepared, release } = await prepareAttachments({ title: 'Invoice', url: server.url('/invoice') }, 'media', local);
    assert.equal(prepared.length, 1);
    assert.equal(prepared[0]?.fileName, 'Invoice.pdf');
    await release();
  });

  it('refuses an image over 5 MB as media, naming the kind and its limit, but sends it as a document', async () => {
    const list = [{ title: 'Scan', url: server.url('/big-photo') }];
    const error = await rejectsWithCode(prepareAttachments(list, 'media', local), 'ATTACHMENT_TOO_LARGE');
    assert.equal(error.details?.['kind'], 'image');
    assert.equal(error.details?.['limit'], defaultMediaSizeLimits.image);
    assert.equal(error.details?.['size'], bigJpeg.length);
    assert.equal(error.details?.['index'], 0);

    const { files: [asDocument], release } = await prepareAttachments(list, 'document', local);
    assert.deepEqual([asDocument?.sendAs, asDocument?.fileName, asDocument?.size], ['document', 'Scan.jpg', bigJpeg.length]);
    await release();
  });

  it('takes operator size limits, stopping the download at the document limit', async () => {
    const sizeLimits = { image: 100, video: 100, audio: 100, document: 1000 };
    const error = await rejectsWithCode(
      prepareAttachments([{ title: 'Scan', url: server.url('/big-photo') }], 'document', { ...local, sizeLimits }),
      'ATTACHMENT_TOO_LARGE',
    );
    assert.deepEqual([error.details?.['limit'], error.details?.['index'], error.details?.['title']], [1000, 0, 'Scan']);
  });

  it("names the failing attachment's index and stops the others", async () => {
    const list = [
      { title: 'Photo', url: server.url('/photo') },
      { title: 'Gone', url: server.url('/missing') },
      { title: 'Slow', url: server.url('/never-answers') },
    ];
    const before = { ...abandoned };
    const error = await rejectsWithCode(prepareAttachments(list, 'media', local), 'ATTACHMENT_FETCH_FAILED');
    assert.deepEqual([error.details?.['index'], error.details?.['title'], error.details?.['status']], [1, 'Gone', 404]);
    assert.match(error.message, /attachment 1 "Gone"/);
    // The slow fetch was cancelled, not waited for: its connection closes although the server never answered.
    await eventually(() => abandoned.pending > before.pending && abandoned.closed > before.closed, 'the slow fetch to be cancelled');
  });

  it('refuses private addresses unless allowed', async () => {
    const error = await rejectsWithCode(prepareAttachments([{ title: 'x', url: server.url('/photo') }], 'media'), 'ATTACHMENT_URL_FORBIDDEN');
    assert.equal(error.details?.['index'], 0);
  });

  it("passes the caller's cancellation through unchanged", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejectsWithCode(
      prepareAttachments([{ title: 'Slow', url: server.url('/never-answers') }], 'media', { ...local, signal: controller.signal }),
      'TIMEOUT',
    );
    assert.equal(error.details?.['index'], undefined);
  });
});

describe('prepareAttachments: byte budgets and files', () => {
  const inDirectory: PrepareAttachmentsOptions = { ...local, concurrency: 1 };

  it("refuses an action whose attachments together pass its budget, from the Content-Length, before reading that file's body", async () => {
    servedBytes = 0;
    const list = [
      { title: 'First', url: server.url('/three-mb') },
      { title: 'Second', url: server.url('/announces-three-mb') },
    ];
    const error = await rejectsWithCode(
      prepareAttachments(list, 'document', { ...inDirectory, directory, requestMaxBytes: 5 * MB, timeoutMs: 5000 }),
      'ATTACHMENT_TOO_LARGE',
    );
    assert.deepEqual([error.details?.['index'], error.details?.['title'], error.details?.['requestLimit']], [1, 'Second', 5 * MB]);
    await announced.closed;
    assert.equal(servedBytes, 3 * MB); // the first file only
    assert.deepEqual(await readdir(directory), []);
  });

  it('answers RATE_LIMITED with retry advice while other actions hold the process budget, and sends once they released it', async () => {
    const budget = new ByteBudget(5 * MB);
    const list = [{ title: 'Scan', url: server.url('/three-mb') }];
    const first = await prepareAttachments(list, 'document', { ...inDirectory, directory, budget });
    assert.equal(budget.inUse, 3 * MB);

    const error = await rejectsWithCode(prepareAttachments(list, 'document', { ...inDirectory, directory, budget }), 'RATE_LIMITED');
    assert.equal(typeof error.details?.['retryAfterMs'], 'number');
    assert.equal(budget.inUse, 3 * MB);

    await first.release();
    assert.equal(budget.inUse, 0);
    const second = await prepareAttachments(list, 'document', { ...inDirectory, directory, budget });
    await second.release();
    assert.equal(budget.inUse, 0);
  });

  it('counts a body without Content-Length as it streams, and stops it at the budget', async () => {
    const budget = new ByteBudget(4 * MB);
    const otherAction = budget.forRequest(4 * MB);
    otherAction.take(2 * MB);
    await rejectsWithCode(prepareAttachments([{ title: 'Stream', url: server.url('/endless') }], 'document', { ...inDirectory, directory, budget }), 'RATE_LIMITED');
    otherAction.release();
    await endless.closed;
    assert.equal(endless.finished, false);
    assert.ok(endless.written < 50 * MB);
    assert.equal(budget.inUse, 0);
    assert.deepEqual(await readdir(directory), []);
  });

  it('keeps each file on disk until the batch is released, and none after a failure', async () => {
    const batch = await prepareAttachments([{ title: 'Invoice', url: server.url('/invoice') }], 'media', { ...inDirectory, directory });
    assert.deepEqual(await readdir(directory), [batch.files[0]?.path.slice(directory.length + 1)]);
    await batch.release();
    assert.deepEqual(await readdir(directory), []);

    const list = [
      { title: 'Invoice', url: server.url('/invoice') },
      { title: 'Gone', url: server.url('/missing') },
    ];
    await rejectsWithCode(prepareAttachments(list, 'media', { ...inDirectory, directory }), 'ATTACHMENT_FETCH_FAILED');
    assert.deepEqual(await readdir(directory), []);
  });
});

describe('normalizeAttachments', () => {
  it('reads nothing as no attachments', () => {
    assert.deepEqual(normalizeAttachments(undefined), []);
    assert.deepEqual(normalizeAttachments(null), []);
    assert.deepEqual(normalizeAttachments([]), []);
  });

  it('names the index and field of a missing title or url', () => {
    const check = (list: unknown, index: number, paths: string[]): void => {
      assert.throws(
        () => normalizeAttachments(list),
        (error: unknown) => {
          assert.ok(error instanceof ConnectorError);
          assert.equal(error.code, 'VALIDATION_ERROR');
          assert.equal(error.details?.['index'], index);
          assert.deepEqual((error.details?.['issues'] as { path: string }[]).map((issue) => issue.path), paths);
          return true;
        },
      );
    };
    check([{ title: 'ok', url: 'http://x.test/' }, { url: 'http://x.test/' }], 1, ['attachments.1.title']);
    check([{ title: 'ok', url: 'http://x.test/' }, { title: 'a', url: '' }, 'text'], 1, ['attachments.1.url', 'attachments.2']);
    check({ title: '  ', url: 42 }, 0, ['attachments.0.title', 'attachments.0.url']);
  });

  it('refuses something that is neither an object nor a list', () => {
    assert.throws(() => normalizeAttachments('http://x.test/a.pdf'), { code: 'VALIDATION_ERROR' });
  });
});
