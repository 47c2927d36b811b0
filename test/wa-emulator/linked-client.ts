import { BaileysClient, type ClientOptions } from './baileys-client.js';
import { scanQr, type WaEmulator } from './index.js';

/** A Baileys client linked to `phone` by QR and open, the starting point of most tests. */
export async function linkedClient(emulator: WaEmulator, phone: string, options: ClientOptions = {}): Promise<BaileysClient> {
  if (!emulator.accounts.byPhoneNumber(phone)) emulator.addAccount(phone);
  const client = new BaileysClient(emulator, options.auth, options.socket);
  await scanQr(emulator, phone, await client.nextQr());
  await client.open();
  return client;
}
