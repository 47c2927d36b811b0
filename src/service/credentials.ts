import type { CredentialStore } from '../engines/engine.js';
import type { Store } from '../store/index.js';
import { decrypt, encrypt } from './secrets.js';

/**
 * Engine credentials (a linked device's keys) kept in the store, each value sealed with
 * AES-256-GCM under the service's secret key; a batch is written in one transaction.
 */
export function encryptedCredentials(store: Store, key: Buffer): CredentialStore {
  return {
    async load(sessionId) {
      const sealed = await store.authState.getAll(sessionId);
      return Object.fromEntries(Object.entries(sealed).map(([name, value]) => [name, decrypt(key, value)]));
    },
    async save(sessionId, entries) {
      const sealed = Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, value === null ? null : encrypt(key, value)]));
      await store.authState.set(sessionId, sealed);
    },
    async clear(sessionId) {
      await store.authState.clear(sessionId);
    },
  };
}
