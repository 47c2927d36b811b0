import type { Store } from '../store/index.js';
import { generateAdminKey, hashSecret } from './secrets.js';

const setting = 'admin_key_hash';

/** Gives the admin key's hash as it is now: admin routes ask it on every request. */
export type AdminKeyHash = () => Promise<string>;

/**
 * The admin key's hash. A configured key wins; otherwise the first start generates one, stores
 * only its hash and returns the key so it can be shown once. Two nodes starting together agree
 * on one key: only the first write of the setting counts. The stored hash is read again on each
 * call, so a key rotated while the service runs (`rotateAdminKey`) works at once, on every node.
 */
export async function resolveAdminKey(store: Store, configured: string | undefined): Promise<{ hash: AdminKeyHash; generated?: string }> {
  if (configured !== undefined) {
    const hash = hashSecret(configured);
    return { hash: async () => hash };
  }
  // Should the setting be deleted, no key matches: admin requests get 401 rather than an error.
  const storedHash = async () => (await store.settings.get(setting)) ?? '';
  if ((await store.settings.get(setting)) === undefined) {
    const key = generateAdminKey();
    if (await store.settings.setIfAbsent(setting, hashSecret(key))) return { hash: storedHash, generated: key };
  }
  return { hash: storedHash };
}

/**
 * Replaces the stored admin key with a new one and returns it (only its hash is kept): the old
 * key stops working at once. Means nothing while CONNECTOR_ADMIN_KEY is set.
 *
 * @example const key = await rotateAdminKey(store); // 'wak_…'
 */
export async function rotateAdminKey(store: Store): Promise<string> {
  const key = generateAdminKey();
  await store.settings.set(setting, hashSecret(key));
  return key;
}
