import { randomBytes } from 'node:crypto';
import { ConnectorError } from '../../domain/errors.js';
import { normalizeChat } from '../../domain/chat.js';

/**
 * Names in the sandbox: message ids and group JIDs come from counters, so a run is the same every
 * time; only the secrets inside a QR code and pairing codes are random, and no test reads them.
 */
export class SandboxIds {
  private messages = 0;
  private groups = 0;

  /** A WhatsApp-looking message id, e.g. `3EB00000000000000001`. */
  nextMessageId(): string {
    this.messages += 1;
    return `3EB0${this.messages.toString(16).toUpperCase().padStart(16, '0')}`;
  }

  /** A group JID like WhatsApp's current ones, e.g. `120363000000000001@g.us`. */
  nextGroupJid(): string {
    this.groups += 1;
    return `120363${String(this.groups).padStart(12, '0')}@g.us`;
  }
}

/** The three secrets a linking device shows in its QR code, base64. */
export interface DeviceKeys {
  noiseKey: string;
  identityKey: string;
  advSecret: string;
}

export function newDeviceKeys(): DeviceKeys {
  return {
    noiseKey: randomBytes(32).toString('base64'),
    identityKey: randomBytes(32).toString('base64'),
    advSecret: randomBytes(32).toString('base64'),
  };
}

/**
 * A QR string shaped like WhatsApp's: `<ref>,<noise key>,<identity key>,<adv secret>`. The ref
 * starts with a counter, so a rotated QR never repeats an earlier one.
 */
export function qrString(counter: number, keys: DeviceKeys): string {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(counter >>> 0);
  const ref = `2@${Buffer.concat([prefix, randomBytes(20)]).toString('base64')}`;
  return [ref, keys.noiseKey, keys.identityKey, keys.advSecret].join(',');
}

// 32 letters and digits without the look-alikes I, O, 0 and 1, as WhatsApp's pairing codes.
const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** An 8-character pairing code from `[A-HJ-NP-Z2-9]`. */
export function pairingCode(): string {
  return [...randomBytes(8)].map((byte) => PAIRING_ALPHABET[byte & 31]).join('');
}

/** What a person types: case and the dash WhatsApp shows in the middle do not matter. */
export function normalizePairingCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * The JID of a person's account from a phone number or a user JID.
 *
 * @example accountJid('+7 900 123-45-67') // '79001234567@s.whatsapp.net'
 */
export function accountJid(phoneOrJid: string): string {
  const chat = normalizeChat(phoneOrJid);
  if (chat.kind !== 'user') {
    throw new ConnectorError('VALIDATION_ERROR', `"${phoneOrJid}" is not a phone number or a person's JID`, { input: phoneOrJid });
  }
  return chat.jid;
}
