import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { isConnectorError } from '../domain/errors.js';
import { describeDatabase, parseDatabaseUrl } from './database-url.js';

test('unset or empty DATABASE_URL means SQLite in the data folder', () => {
  assert.deepEqual(parseDatabaseUrl(undefined), { dialect: 'sqlite', path: join('data', 'connector.db') });
  assert.deepEqual(parseDatabaseUrl('  '), { dialect: 'sqlite', path: join('data', 'connector.db') });
  assert.deepEqual(parseDatabaseUrl(undefined, { dataDir: '/srv/wa' }), { dialect: 'sqlite', path: '/srv/wa/connector.db' });
});

test('SQLite is named by a path, a file URL or :memory:', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite:./var/app.db'), { dialect: 'sqlite', path: './var/app.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite:/var/lib/wa/app.db'), { dialect: 'sqlite', path: '/var/lib/wa/app.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite:///var/lib/wa/app.db'), { dialect: 'sqlite', path: '/var/lib/wa/app.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('file:data/app.db'), { dialect: 'sqlite', path: 'data/app.db' });
  assert.deepEqual(parseDatabaseUrl('file:///tmp/my%20app.db'), { dialect: 'sqlite', path: '/tmp/my app.db' });
});

test('PostgreSQL is named by a postgres:// or postgresql:// URL, kept whole for the driver', () => {
  const url = 'postgres://app:pw@db.internal:5432/wa?sslmode=require';
  assert.deepEqual(parseDatabaseUrl(url), { dialect: 'postgres', connectionString: url });
  assert.equal(parseDatabaseUrl('postgresql://app@db/wa').dialect, 'postgres');
  assert.equal(parseDatabaseUrl('POSTGRES://app@db/wa').dialect, 'postgres');
});

test('any other form is a VALIDATION_ERROR that names the accepted forms and never echoes a password', () => {
  for (const url of ['mysql://root:hunter2@db/wa', 'connector.db', 'postgres:db', 'sqlite:', 'file://remote-host/x.db']) {
    assert.throws(
      () => parseDatabaseUrl(url),
      (error) => {
        assert.ok(isConnectorError(error));
        assert.equal(error.code, 'VALIDATION_ERROR');
        assert.match(error.message, /sqlite:PATH.*sqlite::memory:.*file:PATH.*postgres:\/\//);
        assert.doesNotMatch(JSON.stringify(error.toJSON()), /hunter2/);
        return true;
      },
      url,
    );
  }
});

test('a PostgreSQL address is described without its password', () => {
  const describe = (connectionString: string) => describeDatabase({ dialect: 'postgres', connectionString });
  assert.equal(describe('postgres://app:s3cr3t@db:5432/wa'), 'postgres://app@db:5432/wa');
  assert.equal(describe('postgres://app:p@ss/word@db/wa?sslmode=require'), 'postgres://app@db/wa?sslmode=require');
  assert.equal(describe('postgres://db/wa'), 'postgres://db/wa');
  assert.equal(describeDatabase({ dialect: 'sqlite', path: ':memory:' }), 'sqlite::memory:');
});
