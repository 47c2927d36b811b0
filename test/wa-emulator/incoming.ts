import { randomBytes } from 'node:crypto';
import type { proto } from 'baileys';
import type { WaEmulator } from './emulator.js';

/**
 * A contact's phone writes to an account's linked devices: each online companion gets the message
 * encrypted on the Signal session the companion opened when it wrote first (a reply, as most
 * incoming messages to a business are). The stanza names the sender by phone number and LID, as
 * WhatsApp does. `id` sends a message again under its id, as a phone's retry does. Returns the message id.
 */
export async function replyFromPhone(emulator: WaEmulator, fromPhone: string, toPhone: string, message: proto.IMessage, options: { id?: string } = {}): Promise<string> {
  const sender = emulator.accounts.byPhoneNumber(fromPhone);
  const recipient = emulator.accounts.byPhoneNumber(toPhone);
  if (!sender || !recipient) throw new Error(`${fromPhone} and ${toPhone} must both have accounts`);
  const id = options.id ?? `3A${randomBytes(9).toString('hex').toUpperCase()}`;
  const phone = sender.devices.get(0)!;
  let delivered = 0;
  for (const companion of recipient.companions.values()) {
    const connection = emulator.connectionOf(recipient, companion.deviceId);
    if (!connection || companion.loggedOut) continue;
    const { type, ciphertext } = await phone.encryptTo({ user: recipient.lid, device: companion.deviceId }, message);
    connection.send({
      tag: 'message',
      attrs: { from: sender.pnJid, sender_lid: sender.lidJid, addressing_mode: 'pn', id, type: 'text', t: String(Math.floor(Date.now() / 1000)), notify: sender.name },
      content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
    });
    delivered += 1;
  }
  if (delivered === 0) throw new Error(`no linked device of ${toPhone} is online`);
  return id;
}
