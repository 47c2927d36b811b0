import type { Store } from '../store/index.js';
import { generateAdminKey, hashSecret } from './secrets.js';

const setting = 'admin_key_hash';

/**
 * The admin key's hash. A configured key wins; otherwise the first start generates one, stores
 * only its hash and returns the key so it can be shown once. Two nodes starting together agree
 * on one key: only the first write of the setting counts.
 */
export async function resolveAdminKey(store: Store, configured: string | undefined): Promise<{ hash: string; generated?: string }> {
  if (configured !== undefined) return { hash: hashSecret(configured) };
  const existing = await store.settings.get(setting);
  if (existing !== undefined) return { hash: existing };
  const key = generateAdminKey();
  if (await store.settings.setIfAbsent(setting, hashSecret(key))) return { hash: hashSecret(key), generated: key };
  return { hash: (await store.settings.get(setting)) as string };
}
