import type { CredentialStore } from './engine.js';

/**
 * Credentials in memory, for an engine without a store (tests, benchmarks): two engines given the
 * same one share their devices' credentials, as the nodes of a cluster share the database.
 *
 * @example const engine = new BaileysEngine({ credentials: new MemoryCredentialStore(), url });
 */
export class MemoryCredentialStore implements CredentialStore {
  private readonly sessions = new Map<string, Map<string, string>>();

  async load(sessionId: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.sessions.get(sessionId) ?? []);
  }

  async save(sessionId: string, entries: Record<string, string | null>): Promise<void> {
    let saved = this.sessions.get(sessionId);
    if (!saved) this.sessions.set(sessionId, (saved = new Map()));
    for (const [name, value] of Object.entries(entries)) {
      if (value === null) saved.delete(name);
      else saved.set(name, value);
    }
  }

  async clear(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
  }
}
