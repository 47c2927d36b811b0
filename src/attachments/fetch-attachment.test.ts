import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError } from '../domain/errors.js';
import { removeBody } from './body-file.js';
import { fetchAttachment, type FetchAttachmentOptions } from './fetch-attachment.js';
import type { HostLookup } from './resolve-target.js';
import { guardConnections, samplePng, serve, slowStream, startServer, type ConnectionGuard, type TestServer } from './test-support.js';
import { rejectsWithCode } from '../../test/support/assert-code.js';

const MB = 1024 * 1024;
// every body fetched here lands in this folder, removed after the tests
const directory = await mkdtemp(join(tmpdir(), 'fetch-attachment-test-'));
const local: FetchAttachmentOptions = { maxBytes: MB, allowPrivateAddresses: true, directory };
const onlyThisLoopback = (address: string): boolean => address === '127.0.0.1';


let guard: ConnectionGuard;
let server: TestServer;
const png = samplePng();
const stream = { written: 0, finished: false } as { written: number; finished: boolean; closed?: Promise<unknown> };
const hanging: { closed?: Promise<unknown> } = {};
const hostHeaders: string[] = [];

before(async () => {
  guard = guardConnections();
  server = await startServer({
    '/photo.pdf': serve(png, { 'content-type': 'text/plain' }),
    '/photo': (req, res) => {
      hostHeaders.push(req.headers.host ?? '');
      serve(png, { 'content-type': 'image/png' })(req, res);
    },
    '/moved': (_req, res) => res.writeHead(302, { location: '/photo' }).end(),
    '/loop': (_req, res) => res.writeHead(301, { location: '/loop' }).end(),
    '/no-location': (_req, res) => res.writeHead(307).end(),
    '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end(),
    '/to-private': (_req, res) => res.writeHead(308, { location: 'http://10.1.2.3/secret' }).end(),
    '/to-internal-name': (_req, res) => res.writeHead(303, { location: 'http://internal.example.test/x' }).end(),
    '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    '/fifty-mb': slowStream(50 * MB, stream),
    '/announces-ten-mb': (_req, res) => {
      hanging.closed = once(res, 'close');
      res.writeHead(200, { 'content-length': String(10 * MB) });
      res.flushHeaders();
    },
    '/never-answers': () => undefined,
    '/cut-short': (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10), () => res.destroy());
    },
    '/stalls-mid-body': (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10));
    },
  });
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
  await server.close();
  guard.dispose();
  assert.deepEqual(guard.blocked, [], 'no connection may leave the loopback interface');
});

describe('fetchAttachment: type and redirects', () => {
  it('detects a PNG from its bytes although the URL says .pdf and the server says text/plain', async () => {
    const file = await fetchAttachment({ title: 'Photo', url: server.url('/photo.pdf') }, local);
    assert.equal(file.mimeType, 'image/png');
    assert.equal(file.kind, 'image');
    assert.equal(file.extension, 'png');
    assert.equal(file.fileName, 'Photo.png');
    assert.equal(file.declaredType, 'text/plain');
    assert.equal(file.size, png.length);
    assert.deepEqual(await readFile(file.path), png);
    await removeBody(file.path);
  });

  it('follows a redirect and reports where the bytes came from', async () => {
    const file = await fetchAttachment({ title: 'p', url: server.url('/moved') }, local);
    assert.equal(file.url, server.url('/moved'));
    assert.equal(file.finalUrl, server.url('/photo'));
    assert.equal(file.mimeType, 'image/png');
  });

  it('gives up after too many redirects', async () => {
    const error = await rejectsWithCode(fetchAttachment({ title: 'p', url: server.url('/loop') }, { ...local, maxRedirects: 2 }), 'ATTACHMENT_FETCH_FAILED');
    assert.equal(error.details?.['reason'], 'too-many-redirects');
  });

  it('fails on a redirect without a Location and on a redirect to file:', async () => {
    await rejectsWithCode(fetchAttachment({ title: 'p', url: server.url('/no-location') }, local), 'ATTACHMENT_FETCH_FAILED');
    await rejectsWithCode(fetchAttachment({ title: 'p', url: server.url('/to-file') }, local), 'ATTACHMENT_URL_FORBIDDEN');
  });

  it('reports a 404 with its status, and the URL without its password', async () => {
    const url = server.url('/missing').replace('http://', 'http://user:secret@');
    const error = await rejectsWithCode(fetchAttachment({ title: 'p', url }, local), 'ATTACHMENT_FETCH_FAILED');
    assert.equal(error.details?.['status'], 404);
    assert.equal(error.details?.['url'], server.url('/missing'));
    assert.doesNotMatch(error.message, /secret/);
  });

  it('fails when the server closes the connection before the whole body arrived', async () => {
    const error = await rejectsWithCode(fetchAttachment({ title: 'p', url: server.url('/cut-short') }, local), 'ATTACHMENT_FETCH_FAILED');
    assert.equal(error.details?.['reason'], 'connection');
  });

  it('reports a refused connection as ATTACHMENT_FETCH_FAILED', async () => {
    const closed = await startServer({});
    const url = closed.url('/x');
    await closed.close();
    const error = await rejectsWithCode(fetchAttachment({ title: 'p', url }, local), 'ATTACHMENT_FETCH_FAILED');
    assert.equal(error.details?.['reason'], 'connection');
    assert.equal(error.details?.['error'], 'ECONNREFUSED');
  });
});

describe('fetchAttachment: size and time limits', () => {
  it('aborts a body without Content-Length as soon as it passes the limit, long before the server is done', async () => {
    const error = await rejectsWithCode(fetchAttachment({ title: 'big', url: server.url('/fifty-mb') }, local), 'ATTACHMENT_TOO_LARGE');
    const writtenWhenRefused = stream.written;
    assert.equal(stream.finished, false);
    assert.ok(writtenWhenRefused < 20 * MB, `server had written ${writtenWhenRefused} bytes`);
    assert.equal(error.details?.['limit'], MB);
    assert.ok((error.details?.['received'] as number) > MB);
    assert.ok((error.details?.['received'] as number) < 2 * MB);
    await stream.closed; // the server saw the connection close with most of its 50 MB unsent
    assert.equal(stream.finished, false);
    assert.ok(stream.written < 50 * MB);
  });

  it('leaves no file behind when a body is cut short or refused halfway', async () => {
    const own = await mkdtemp(join(tmpdir(), 'fetch-attachment-failed-'));
    try {
      await rejectsWithCode(fetchAttachment({ title: 'p', url: server.url('/cut-short') }, { ...local, directory: own }), 'ATTACHMENT_FETCH_FAILED');
      await rejectsWithCode(fetchAttachment({ title: 'big', url: server.url('/fifty-mb') }, { ...local, directory: own }), 'ATTACHMENT_TOO_LARGE');
      assert.deepEqual(await readdir(own), []);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('refuses a Content-Length over the limit without reading the body', async () => {
    const error = await rejectsWithCode(fetchAttachment({ title: 'big', url: server.url('/announces-ten-mb') }, local), 'ATTACHMENT_TOO_LARGE');
    assert.deepEqual(error.details, { url: server.url('/announces-ten-mb'), limit: MB, received: 0, contentLength: 10 * MB });
    await hanging.closed;
  });

  it('stops waiting for a server that never answers, with reason timeout', async () => {
    // The server never answers: only the 200 ms limit can end this.
    const error = await rejectsWithCode(fetchAttachment({ title: 'slow', url: server.url('/never-answers') }, { ...local, timeoutMs: 200 }), 'ATTACHMENT_FETCH_FAILED');
    assert.equal(error.details?.['reason'], 'timeout');
  });

  it('counts the body in the time limit too', async () => {
    const error = await rejectsWithCode(fetchAttachment({ title: 'slow', url: server.url('/stalls-mid-body') }, { ...local, timeoutMs: 200 }), 'ATTACHMENT_FETCH_FAILED');
    assert.equal(error.details?.['reason'], 'timeout');
  });

  it("stops when the caller's signal aborts: TIMEOUT, or the caller's own ConnectorError", async () => {
    const plain = new AbortController();
    setTimeout(() => plain.abort(), 50);
    await rejectsWithCode(fetchAttachment({ title: 'slow', url: server.url('/never-answers') }, { ...local, signal: plain.signal }), 'TIMEOUT');

    const own = new AbortController();
    const reason = new ConnectorError('SESSION_LOGGED_OUT', 'the session was logged out');
    setTimeout(() => own.abort(reason), 50);
    const error = await rejectsWithCode(fetchAttachment({ title: 'slow', url: server.url('/never-answers') }, { ...local, signal: own.signal }), 'SESSION_LOGGED_OUT');
    assert.equal(error, reason);
  });

  it('does not even connect when the signal is already aborted', async () => {
    const sockets = guard.sockets();
    await rejectsWithCode(fetchAttachment({ title: 'p', url: server.url('/photo') }, { ...local, signal: AbortSignal.abort() }), 'TIMEOUT');
    assert.equal(guard.sockets(), sockets);
  });
});

describe('fetchAttachment: addresses inside the network', () => {
  const strict: FetchAttachmentOptions = { maxBytes: MB, directory };

  async function refusedWithoutConnecting(url: string, options: FetchAttachmentOptions = strict): Promise<ConnectorError> {
    const sockets = guard.sockets();
    const connections = server.connections();
    const error = await rejectsWithCode(fetchAttachment({ title: 'x', url }, options), 'ATTACHMENT_URL_FORBIDDEN');
    assert.equal(guard.sockets(), sockets, `a socket was opened for ${url}`);
    assert.equal(server.connections(), connections);
    return error;
  }

  it('refuses loopback, private, link-local and metadata addresses before connecting', async () => {
    const cases: [string, string][] = [
      [server.url('/photo'), 'loopback'],
      [`http://localhost:${server.port}/photo`, 'loopback'],
      [`http://app.localhost:${server.port}/`, 'loopback'],
      [`http://[::1]:${server.port}/`, 'loopback'],
      ['http://169.254.169.254/latest/meta-data', 'link-local'],
      ['http://10.0.0.1/', 'private'],
      ['https://192.168.0.1/admin', 'private'],
      ['http://100.64.1.1/', 'carrier-grade-nat'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://[fd00::1]/', 'unique-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://[::ffff:127.0.0.1]/', 'loopback'],
      ['http://[::ffff:7f00:1]/', 'loopback'],
      ['http://[64:ff9b::a9fe:a9fe]/', 'link-local'],
      ['http://[2002:a00:1::]/', 'private'],
    ];
    for (const [url, category] of cases) {
      const error = await refusedWithoutConnecting(url);
      assert.equal(error.details?.['category'], category, url);
    }
  });

  it('refuses hosts spelled as odd numbers, which URL parsing turns into 127.0.0.1', async () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/']) {
      const error = await refusedWithoutConnecting(url);
      assert.equal(error.details?.['address'], '127.0.0.1', url);
    }
  });

  it('refuses a name whose DNS answer includes a private address, even next to an allowed one', async () => {
    const asked: string[] = [];
    const lookup: HostLookup = async (hostname) => {
      asked.push(hostname);
      return hostname === 'internal.example.test'
        ? [{ address: '10.0.0.5', family: 4 }]
        : [{ address: '127.0.0.1', family: 4 }, { address: '10.0.0.6', family: 4 }];
    };
    const error = await refusedWithoutConnecting('http://internal.example.test/report', { ...strict, lookup });
    assert.deepEqual([error.details?.['address'], error.details?.['category']], ['10.0.0.5', 'private']);
    await refusedWithoutConnecting('http://mixed.example.test/', { ...strict, lookup, allowAddress: onlyThisLoopback });
    assert.deepEqual(asked, ['internal.example.test', 'mixed.example.test']);
  });

  it('refuses a redirect from an allowed host to metadata, private or internal addresses, without connecting to them', async () => {
    const lookup: HostLookup = async () => [{ address: '10.0.0.5', family: 4 }];
    const options: FetchAttachmentOptions = { ...strict, allowAddress: onlyThisLoopback, lookup };
    for (const [path, category] of [['/to-metadata', 'link-local'], ['/to-private', 'private'], ['/to-internal-name', 'private']]) {
      const sockets = guard.sockets();
      const error = await rejectsWithCode(fetchAttachment({ title: 'x', url: server.url(path as string) }, options), 'ATTACHMENT_URL_FORBIDDEN');
      assert.equal(error.details?.['category'], category);
      assert.equal(guard.sockets(), sockets + 1, 'only the first hop connects');
    }
  });

  it('connects to the address it checked, so a second DNS answer cannot rebind the name', async () => {
    let calls = 0;
    const lookup: HostLookup = async () => {
      calls += 1;
      return [{ address: calls === 1 ? '127.0.0.1' : '10.0.0.9', family: 4 }];
    };
    const url = `http://files.example.test:${server.port}/photo`;
    const file = await fetchAttachment({ title: 'p', url }, { ...strict, allowAddress: onlyThisLoopback, lookup });
    assert.equal(file.mimeType, 'image/png');
    assert.equal(calls, 1);
    assert.equal(hostHeaders.at(-1), `files.example.test:${server.port}`);
  });

  it('fetches from localhost when private addresses are allowed', async () => {
    const file = await fetchAttachment({ title: 'p', url: `http://localhost:${server.port}/photo` }, local);
    assert.equal(file.mimeType, 'image/png');
  });

  it('reports a name that does not resolve as ATTACHMENT_FETCH_FAILED', async () => {
    const lookup: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const error = await rejectsWithCode(fetchAttachment({ title: 'x', url: 'http://nowhere.example.test/' }, { ...strict, lookup }), 'ATTACHMENT_FETCH_FAILED');
    assert.deepEqual([error.details?.['reason'], error.details?.['error']], ['dns', 'ENOTFOUND']);
  });

  it('accepts only http and https', async () => {
    for (const url of ['ftp://files.example.test/a.pdf', 'file:///etc/passwd', 'data:text/plain,hello', 'javascript:alert(1)', 'gopher://x.test/']) {
      const error = await refusedWithoutConnecting(url);
      assert.equal(error.details?.['reason'], 'protocol', url);
    }
    await rejectsWithCode(fetchAttachment({ title: 'x', url: 'not a url' }, strict), 'VALIDATION_ERROR');
  });
});
