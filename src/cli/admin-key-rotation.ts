import type { CliTexts } from '../i18n/cli.js';
import { rotateAdminKey } from '../service/admin-key.js';
import { readConfig } from '../service/config.js';
import { openDatabase } from '../store/index.js';

/**
 * `admin-key rotate`: a new admin key into the store `serve` uses (DATABASE_URL,
 * CONNECTOR_DATA_DIR), printed once on stdout, so `KEY=$(whatsapp-connector admin-key rotate)`
 * captures just the key. Refused while CONNECTOR_ADMIN_KEY is set: the service would ignore it.
 */
export async function rotateStoredAdminKey(texts: CliTexts): Promise<0 | 1> {
  const config = readConfig(process.env);
  if (config.adminKey !== undefined) {
    process.stderr.write(texts.adminKeyConfigured);
    return 1;
  }
  const store = await openDatabase(config.databaseUrl, { dataDir: config.dataDir });
  try {
    process.stdout.write(`${await rotateAdminKey(store)}\n`);
  } finally {
    await store.close();
  }
  process.stderr.write(texts.adminKeyRotated);
  return 0;
}
