import { ManualClock } from '../../domain/clock.js';
import type { EngineEvent } from '../engine.js';
import { SandboxEngine, type SandboxEngineOptions } from './engine.js';
import { SandboxNetwork } from './network.js';
import type { PhoneOptions, VirtualPhone } from './phone.js';

export interface LinkedSandbox {
  clock: ManualClock;
  network: SandboxNetwork;
  engine: SandboxEngine;
  sessionId: string;
  /** The phone whose linked device the session is. */
  bot: VirtualPhone;
  /** Every engine event so far, in order. */
  events: EngineEvent[];
}

export interface LinkedSandboxOptions extends Omit<SandboxEngineOptions, 'network' | 'clock'> {
  /** Default 2026-01-01T09:00:00Z. */
  start?: number;
  sessionId?: string;
  botPhone?: string;
  /** Other phones to add, by number. */
  phones?: Record<string, PhoneOptions>;
}

/**
 * A network on a ManualClock with one session already linked to the bot's phone: the usual start
 * of a test that sends.
 *
 * @example const { engine, sessionId, network } = await linkedSandbox({ phones: { '+79001111111': { name: 'Anna' } } });
 */
export async function linkedSandbox(options: LinkedSandboxOptions = {}): Promise<LinkedSandbox> {
  const { start = Date.parse('2026-01-01T09:00:00Z'), sessionId = 'session-1', botPhone = '+79000000000', phones = {}, ...engineOptions } = options;
  const clock = new ManualClock(start);
  const network = new SandboxNetwork({ clock });
  const bot = network.addPhone(botPhone, { name: 'Clinic' });
  for (const [phone, phoneOptions] of Object.entries(phones)) network.addPhone(phone, phoneOptions);
  const engine = new SandboxEngine({ ...engineOptions, network });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  await engine.startSession(sessionId);
  engine.scan(sessionId, botPhone);
  return { clock, network, engine, sessionId, bot, events };
}
