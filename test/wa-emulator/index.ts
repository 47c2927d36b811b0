import { accountSettings } from './account-settings.js';
import { createRootKey, type RootKey } from './certificates.js';
import { WaEmulator, type EmulatorModule } from './emulator.js';
import { createGroup, groups } from './groups.js';
import { registration, scanQr } from './linking.js';
import { login } from './login.js';
import { downloadMedia, media, mediaAgent } from './media.js';
import { messages, sendReceipt } from './messages.js';
import { enterPairingCode, pairingCode } from './pairing-code.js';
import { prekeys } from './prekeys.js';
import { usync } from './usync.js';

/** Every behaviour the emulator has, in the order they are installed. */
export const allModules: EmulatorModule[] = [registration, pairingCode, login, accountSettings, usync, prekeys, messages, groups, media];

let processRoot: RootKey | undefined;

/**
 * One root key per test process: Baileys reads the trusted root from a process-wide constant, so
 * every emulator a process starts signs with the same key (see `trustEmulatorRoot`).
 */
export function testRootKey(): RootKey {
  processRoot ??= createRootKey();
  return processRoot;
}

/** Starts an emulator on an ephemeral loopback port with every behaviour installed. */
export function startEmulator(options: { log?: (line: string) => void } = {}): Promise<WaEmulator> {
  return new WaEmulator({ modules: allModules, rootKey: testRootKey(), ...options }).listen();
}

export { createGroup, downloadMedia, enterPairingCode, mediaAgent, scanQr, sendReceipt, WaEmulator };
export { trustEmulatorRoot } from './certificates.js';
export type { ReceivedMessage } from './inbox.js';
