import type { Account } from './accounts.js';
import type { WaEmulator } from './emulator.js';

/**
 * The phone removes a linked device (Settings → Linked devices → Log out): the companion's live
 * socket gets stream error 401 with `conflict type="device_removed"`, and any later login with
 * its credentials is refused with `failure 401`.
 */
export function logOutDevice(emulator: WaEmulator, account: Account, deviceId: number): void {
  const companion = account.companions.get(deviceId);
  if (!companion) throw new Error(`${account.phone} has no linked device ${deviceId}`);
  companion.loggedOut = true;
  emulator.connectionOf(account, deviceId)?.streamError(401, [{ tag: 'conflict', attrs: { type: 'device_removed' } }]);
}

/** The server asks the companion to reconnect (stream error 515), as after linking or a deploy. */
export function requireRestart(emulator: WaEmulator, account: Account, deviceId: number): void {
  const connection = emulator.connectionOf(account, deviceId);
  if (!connection) throw new Error(`${account.phone}:${deviceId} is not connected`);
  connection.streamError(515);
}

/** The network fails under the companion: its socket closes with no goodbye. */
export function dropConnection(emulator: WaEmulator, account: Account, deviceId: number): void {
  const connection = emulator.connectionOf(account, deviceId);
  if (!connection) throw new Error(`${account.phone}:${deviceId} is not connected`);
  connection.drop();
}

/** Every node the server sends to this companion leaves `delayMs` later from now on. */
export function slowLink(emulator: WaEmulator, account: Account, deviceId: number, delayMs: number): void {
  const connection = emulator.connectionOf(account, deviceId);
  if (!connection) throw new Error(`${account.phone}:${deviceId} is not connected`);
  connection.outgoingDelayMs = delayMs;
}
