import { describe } from 'node:test';
import { isolatedPostgresUrl, skipPostgres } from '../../src/store/postgres-test-support.js';
import { sandboxWhatsApp } from '../support/whatsapp.js';
import { actionApiSuite } from './api-suite.js';

// The sandbox suite again with the store on PostgreSQL, so both databases answer users alike.
describe('on PostgreSQL', { skip: skipPostgres }, () => {
  actionApiSuite('sandbox', async () => sandboxWhatsApp(), isolatedPostgresUrl);
});
