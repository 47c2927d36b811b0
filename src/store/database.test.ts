import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isConnectorError } from '../domain/errors.js';
import { openDatabase } from './database.js';

const root = mkdtempSync(join(tmpdir(), 'connector-open-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('an address of an unknown form is refused with VALIDATION_ERROR before anything is opened', async () => {
  await assert.rejects(openDatabase('mongodb://db/wa'), (error) => {
    assert.ok(isConnectorError(error));
    assert.equal(error.code, 'VALIDATION_ERROR');
    assert.match(error.message, /accepted forms: sqlite:PATH, sqlite::memory:, file:PATH, postgres:/);
    return true;
  });
});

test('an unreachable PostgreSQL server is reported as INTERNAL, naming the address but not the password', async () => {
  await assert.rejects(openDatabase('postgres://app:s3cr3t@127.0.0.1:1/wa'), (error) => {
    assert.ok(isConnectorError(error));
    assert.equal(error.code, 'INTERNAL');
    assert.match(error.message, /Cannot open the database at postgres:\/\/app@127\.0\.0\.1:1\/wa: .*ECONNREFUSED/);
    assert.doesNotMatch(JSON.stringify(error.toJSON()), /s3cr3t/);
    return true;
  });
});

test('a SQLite path that cannot be a database file is reported as INTERNAL naming the path', async () => {
  await assert.rejects(openDatabase(`sqlite:${root}`), (error) => {
    assert.ok(isConnectorError(error));
    assert.equal(error.code, 'INTERNAL');
    assert.ok(error.message.includes(root));
    return true;
  });
});
