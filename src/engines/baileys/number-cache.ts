import type { Clock } from '../../domain/clock.js';

/** A number that has WhatsApp rarely loses it; one that has not may register any day. */
const knownForMs = 24 * 60 * 60_000;
const unknownForMs = 10 * 60_000;
const maxEntries = 100_000;

/**
 * Which numbers have a WhatsApp account, remembered per engine: every send to a number checks it
 * first (NOT_ON_WHATSAPP is clearer than a message that never arrives), and asking WhatsApp for
 * the same number again and again is what spam tools do.
 *
 * @example await cache.lookup(['79001234567@s.whatsapp.net'], (jids) => askWhatsApp(jids))
 */
export class NumberCache {
  private readonly entries = new Map<string, { onWhatsApp: boolean; until: number }>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Answers from memory where it can, and asks `check` (which returns the JIDs that exist) for the rest. */
  async lookup(jids: readonly string[], check: (jids: string[]) => Promise<Set<string>>): Promise<Map<string, boolean>> {
    const now = this.clock.now();
    const answers = new Map<string, boolean>();
    const unknown: string[] = [];
    for (const jid of jids) {
      const entry = this.entries.get(jid);
      if (entry && entry.until > now) answers.set(jid, entry.onWhatsApp);
      else unknown.push(jid);
    }
    if (unknown.length === 0) return answers;
    const existing = await check(unknown);
    if (this.entries.size + unknown.length > maxEntries) this.entries.clear();
    for (const jid of unknown) {
      const onWhatsApp = existing.has(jid);
      answers.set(jid, onWhatsApp);
      this.entries.set(jid, { onWhatsApp, until: now + (onWhatsApp ? knownForMs : unknownForMs) });
    }
    return answers;
  }
}
