import { createHash } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { RunningService, StartOptions } from '../../src/service/server.js';
import type { ServiceConfig } from '../../src/service/config.js';
import { logOutDevice } from '../wa-emulator/device-control.js';
import { createGroup, downloadMedia, enterPairingCode, mediaAgent, scanQr, sendReceipt, startEmulator, type WaEmulator } from '../wa-emulator/index.js';
import { phoneView, type ShownMessage } from '../wa-emulator/phone-view.js';
import { call } from './http.js';

/** What a recipient's phone shows of a message: the fields both engines' networks agree on. */
export type SeenMessage = Pick<ShownMessage, 'id' | 'kind' | 'text' | 'caption' | 'location' | 'contact' | 'deleted' | 'forwarded' | 'quoted'> & {
  /** `sha256` of the bytes the recipient decrypted (hex). */
  attachments?: { fileName?: string; size: number; sha256: string }[];
  reactions: { emoji: string }[];
};

/**
 * The WhatsApp a test service talks to, and the phones on it: the sandbox's in-process network,
 * or the protocol emulator with the real Baileys engine. HTTP integration tests run against both
 * through this one interface.
 */
export interface TestWhatsApp {
  readonly engine: 'sandbox' | 'baileys';
  /** What a service needs to use this network. */
  readonly config: Partial<ServiceConfig>;
  readonly startOptions: Pick<StartOptions, 'fetchAgent' | 'network'>;
  /** Puts phones on WhatsApp (the sandbox lets any number join on first contact; the emulator does not). */
  addPhones(service: Served, phones: string[]): Promise<void>;
  /** A group of these phones (which must be on WhatsApp); answers its JID. */
  addGroup(service: Served, subject: string, phones: string[]): Promise<string>;
  /** A number that has no WhatsApp account. */
  addPhoneWithoutWhatsApp(service: Served, phone: string): Promise<void>;
  /** The phone of `phone` scans the QR code the link stream showed. */
  scan(service: Served, sessionId: string, phone: string, qr: string): Promise<void>;
  enterPairingCode(service: Served, phone: string, code: string): Promise<void>;
  /** What `phone` shows of the messages it received, oldest first. */
  seenBy(service: Served, phone: string): Promise<SeenMessage[]>;
  /** Every recipient's phone reports message `id` delivered or read. */
  receipt(service: Served, id: string, status: 'delivered' | 'read'): Promise<void>;
  /** The phone removes the session's linked device (Settings → Linked devices → Log out). */
  removeDevice(service: Served, sessionId: string, phone: string): Promise<void>;
  close(): Promise<void>;
}

/** The sandbox engine's virtual network, driven through the service's `/v1/sandbox` routes. */
export function sandboxWhatsApp(): TestWhatsApp {
  const post = async <T>(service: Served, path: string, body: unknown): Promise<T> => {
    const reply = await call<T>(service.url, 'POST', path, { body });
    if (reply.status >= 300) throw new Error(`${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  return {
    engine: 'sandbox',
    config: { engine: 'sandbox' },
    startOptions: {},
    addPhones: async () => {},
    addGroup: async (service, subject, phones) => (await post<{ jid: string }>(service, '/v1/sandbox/groups', { subject, phones })).jid,
    addPhoneWithoutWhatsApp: (service, phone) => post(service, '/v1/sandbox/phones', { phone, onWhatsApp: false }),
    scan: (service, sessionId, phone) => post(service, '/v1/sandbox/scan', { sessionId, phone }),
    enterPairingCode: (service, phone, code) => post(service, '/v1/sandbox/pairing-code', { phone, code }),
    async seenBy(service, phone) {
      const reply = await call<{ messages: SeenMessage[] }>(service.url, 'GET', `/v1/sandbox/chats/${encodeURIComponent(phone)}/messages`);
      if (reply.status !== 200) throw new Error(`chat of ${phone} answered ${reply.status}`);
      return reply.body.messages;
    },
    receipt: (service, id, status) => post(service, '/v1/sandbox/receipts', { id, status }),
    removeDevice: async (service, sessionId) => {
      service.sandbox!.network.logoutDevice(sessionId);
    },
    close: async () => {},
  };
}

/** The running service, as a network fixture needs it. */
type Served = Pick<RunningService, 'url' | 'sandbox'>;

const digits = (phone: string) => phone.replace(/\D/g, '');

/** The protocol emulator on loopback, which the service's Baileys engine links to and sends through. */
export async function emulatedWhatsApp(): Promise<TestWhatsApp & { emulator: WaEmulator }> {
  const emulator = await startEmulator();
  return {
    engine: 'baileys',
    emulator,
    config: { engine: 'baileys', waUrl: emulator.url, waRootKey: Buffer.from(emulator.rootPublicKey), sendIntervalMs: 0, reconnectWaitMs: 30_000 },
    startOptions: { fetchAgent: mediaAgent(emulator) },
    addPhones: async (_service, phones) => {
      for (const phone of phones) emulator.addAccount(digits(phone));
    },
    addGroup: async (_service, subject, phones) => createGroup(emulator, subject, phones.map(digits)).jid,
    addPhoneWithoutWhatsApp: async (_service, phone) => {
      // A number the emulator has no account for is `contact type="out"`, as on WhatsApp.
      if (emulator.accounts.byPhoneNumber(phone)) emulator.faults.refusedNumbers.add(digits(phone));
    },
    scan: async (_service, _sessionId, phone, qr) => {
      emulator.addAccount(digits(phone));
      await scanQr(emulator, digits(phone), qr);
    },
    enterPairingCode: async (_service, phone, code) => {
      emulator.addAccount(digits(phone));
      await enterPairingCode(emulator, digits(phone), code);
    },
    async seenBy(_service, phone) {
      const received = emulator.inbox.of(digits(phone));
      const shown = phoneView(received);
      // The phone downloads and decrypts each file, as the recipient would open it.
      return Promise.all(
        shown.map(async (message) => {
          const original = received.find((entry) => entry.id === message.id)!;
          if (!message.attachments) return message as SeenMessage;
          const bytes = await downloadMedia(emulator, original.message);
          return { ...message, attachments: message.attachments.map((file) => ({ ...file, sha256: createHash('sha256').update(bytes).digest('hex') })) };
        }),
      );
    },
    async receipt(_service, id, status) {
      const copies = emulator.inbox.all().filter((message) => message.id === id && message.device === 0);
      if (copies.length === 0) throw new Error(`no recipient has message ${id}`);
      for (const copy of copies) await sendReceipt(emulator, copy, status === 'delivered' ? 'delivery' : 'read');
    },
    async removeDevice(_service, _sessionId, phone) {
      const account = emulator.accounts.byPhoneNumber(digits(phone));
      if (!account) throw new Error(`${phone} is not on the emulator`);
      for (const companion of account.companions.values()) if (!companion.loggedOut) logOutDevice(emulator, account, companion.deviceId);
    },
    close: () => emulator.close(),
  };
}

/**
 * A WhatsApp address nobody answers at: a loopback port that was free a moment ago and now refuses
 * connections, as when the network or WhatsApp is down. For the Baileys engine's `waUrl`.
 */
export async function unreachableWaUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `ws://127.0.0.1:${port}/ws/chat`;
}
