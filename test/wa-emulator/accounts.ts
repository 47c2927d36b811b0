import { randomInt } from 'node:crypto';
import { jidDecode } from 'baileys';
import type { CurveKeyPair } from './certificates.js';
import { SignalDevice } from './signal-device.js';

/** A device of a linked companion (a real client): what the server knows about it. */
export interface Companion {
  deviceId: number;
  /** The client's Noise static key: a login must present it. */
  noisePublic: Uint8Array;
  /** The client's Signal identity, as it showed it in the QR code. */
  identityPublic: Uint8Array;
  /** Prekeys the client uploaded, so emulated contacts could open sessions with it. */
  uploadedPreKeys: number;
  loggedOut: boolean;
}

/**
 * A WhatsApp account on the emulated network: a phone number, a LID, a primary phone (device 0)
 * with real Signal keys, and any companions linked to it.
 */
export class Account {
  readonly devices = new Map<number, SignalDevice>();
  readonly companions = new Map<number, Companion>();
  private nextCompanionId = 1;

  constructor(
    readonly phone: string,
    readonly lid: string,
    readonly name: string,
    extraDevices = 0,
  ) {
    this.devices.set(0, new SignalDevice());
    for (let id = 1; id <= extraDevices; id++) this.devices.set(id, new SignalDevice());
    this.nextCompanionId = extraDevices + 1;
  }

  get pnJid(): string {
    return `${this.phone}@s.whatsapp.net`;
  }

  get lidJid(): string {
    return `${this.lid}@lid`;
  }

  /** One device's JID on the phone number, e.g. `79001234567:1@s.whatsapp.net`. */
  deviceJid(deviceId: number): string {
    return `${this.phone}:${deviceId}@s.whatsapp.net`;
  }

  /** The primary phone's identity: it signs the identities of linked devices (ADV). */
  get accountKey(): CurveKeyPair {
    const identity = this.devices.get(0)!.identity;
    return { public: identity.pubKey.subarray(1), private: identity.privKey };
  }

  /** Every device id a sender must encrypt for: emulated devices and linked companions. */
  deviceIds(): number[] {
    const linked = [...this.companions.values()].filter((c) => !c.loggedOut).map((c) => c.deviceId);
    return [...this.devices.keys(), ...linked];
  }

  allocateCompanionId(): number {
    return this.nextCompanionId++;
  }
}

export interface AddAccountOptions {
  /** Display name (push name). */
  name?: string;
  /** Emulated devices besides the primary phone, e.g. a linked desktop that also receives. */
  extraDevices?: number;
}

/** Digits only: `+7 900 123-45-67` → `79001234567`. */
export const digitsOf = (phone: string) => phone.replace(/\D/g, '');

/** Every account of the emulated network, found by phone number, LID or any JID form. */
export class AccountDirectory {
  private readonly byPhone = new Map<string, Account>();
  private readonly byLid = new Map<string, Account>();

  add(phone: string, options: AddAccountOptions = {}): Account {
    const digits = digitsOf(phone);
    const existing = this.byPhone.get(digits);
    if (existing) return existing;
    let lid: string;
    do lid = String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000, 999_999));
    while (this.byLid.has(lid));
    const account = new Account(digits, lid, options.name ?? `Contact ${digits.slice(-4)}`, options.extraDevices ?? 0);
    this.byPhone.set(digits, account);
    this.byLid.set(lid, account);
    return account;
  }

  byPhoneNumber(phone: string): Account | undefined {
    return this.byPhone.get(digitsOf(phone));
  }

  /** Resolves `79001234567@s.whatsapp.net`, `…:3@s.whatsapp.net`, `123…@lid` or `+7900…`. */
  resolve(jidOrPhone: string): { account: Account; device: number } | undefined {
    if (!jidOrPhone.includes('@')) {
      const account = this.byPhoneNumber(jidOrPhone);
      return account && { account, device: 0 };
    }
    const decoded = jidDecode(jidOrPhone);
    if (!decoded) return undefined;
    const account = decoded.server === 'lid' ? this.byLid.get(decoded.user) : this.byPhone.get(decoded.user);
    return account && { account, device: decoded.device ?? 0 };
  }
}
