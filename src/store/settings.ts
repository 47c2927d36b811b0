import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Named values the service keeps for itself, such as the hashed admin key.
 *
 * @example if (await store.settings.setIfAbsent('admin_key_hash', hash)) console.log(`Admin key: ${key}`);
 */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  }

  async set(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }

  /**
   * Sets the value only when the name has none yet, atomically: of two nodes starting at once
   * exactly one gets `true`, so a generated secret is made (and printed) once.
   */
  async setIfAbsent(name: string, value: string): Promise<boolean> {
    const result = await this.db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }
}
