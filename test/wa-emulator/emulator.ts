import type { AddressInfo } from 'node:net';
import { Curve, type BinaryNode, type proto } from 'baileys';
import { WebSocketServer } from 'ws';
import { AccountDirectory, type Account, type AddAccountOptions } from './accounts.js';
import { createRootKey, issueCertificateChain, type RootKey } from './certificates.js';
import { Conditions } from '../../src/engines/baileys/conditions.js';
import { Connection } from './connection.js';
import { DeviceSockets, type DeviceOverlap } from './device-sockets.js';
import { Faults } from './faults.js';
import { Inbox, type ReceivedMessage } from './inbox.js';
import { NoiseServer, type ClientHello } from './noise-server.js';
import { waitLimitMs } from '../support/eventually.js';

/** Answers one kind of iq; a handler that returns without replying must reply later itself. */
export type IqHandler = (connection: Connection, iq: BinaryNode, child: BinaryNode | undefined) => void | Promise<void>;
export type NodeHandler = (connection: Connection, node: BinaryNode) => void | Promise<void>;
export type HandshakeHandler = (connection: Connection, hello: ClientHello) => void | Promise<void>;
/** What is known of a decrypted message besides its content and where it was decrypted. */
export type DecryptedMeta = Omit<ReceivedMessage, 'recipient' | 'device' | 'message' | 'receivedAt'>;
export type DecryptedListener = (account: Account, device: number, message: proto.IMessage, meta: DecryptedMeta) => void | Promise<void>;

/** A behaviour of the emulated server, installed by registering handlers on the emulator. */
export type EmulatorModule = (emulator: WaEmulator) => void;

export interface EmulatorOptions {
  /** Behaviours to install; see `startEmulator` for the full set. */
  modules: EmulatorModule[];
  /** The trust anchor; a fresh one by default. */
  rootKey?: RootKey;
  /** Receives one line per node in and out (set `WA_EMULATOR_LOG=1` to print them). */
  log?: (line: string) => void;
}

/**
 * A WhatsApp Web server on 127.0.0.1 for tests: Noise transport, binary nodes, and a registry of
 * handlers that modules fill in (linking, login, usync, prekeys, messages…). Handlers are keyed by
 * iq `xmlns` (and optionally the first child's tag) or by node tag.
 */
export class WaEmulator {
  readonly accounts = new AccountDirectory();
  readonly inbox = new Inbox();
  readonly faults = new Faults();
  readonly connections = new Set<Connection>();
  /** Each device's logged-in sockets from login success to TCP close, and how long two were open at once. */
  readonly deviceSockets = new DeviceSockets<Connection>();
  readonly rootKey: RootKey;
  private readonly serverStatic = Curve.generateKeyPair();
  private readonly certificateChain: Uint8Array;
  private readonly iqHandlers = new Map<string, IqHandler>();
  private readonly nodeHandlers = new Map<string, NodeHandler>();
  private readonly handshakeHandlers: { registration?: HandshakeHandler; login?: HandshakeHandler } = {};
  private readonly deliverers: NodeHandler[] = [];
  private readonly decryptedListeners: DecryptedListener[] = [];
  private readonly unhandled: string[] = [];
  private server: WebSocketServer | undefined;
  private port = 0;
  /** Undefined unless logging is on, so no log line is even formatted otherwise. */
  readonly log: ((line: string) => void) | undefined;

  constructor(options: EmulatorOptions) {
    this.rootKey = options.rootKey ?? createRootKey();
    this.certificateChain = issueCertificateChain(this.rootKey, this.serverStatic.public);
    this.log = options.log ?? (process.env.WA_EMULATOR_LOG ? (line) => console.log(`[wa-emulator] ${line}`) : undefined);
    for (const install of options.modules) install(this);
  }

  /** The URL to give Baileys as `waWebSocketUrl`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws/chat`;
  }

  /** The root public key a client must trust (see `trustEmulatorRoot`). */
  get rootPublicKey(): Uint8Array {
    return this.rootKey.keyPair.public;
  }

  async listen(port = 0): Promise<this> {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    for (const start of this.startHooks) await start();
    server.on('connection', (socket) => {
      const connection = new Connection(socket, new NoiseServer(this.serverStatic, this.certificateChain), this.events, this.log);
      this.connections.add(connection);
    });
    return this;
  }

  /** Runs `start` when the emulator starts listening and `stop` when it closes (e.g. a media host). */
  onLifecycle(start: () => Promise<void>, stop: () => Promise<void>): void {
    this.startHooks.push(start);
    this.stopHooks.push(stop);
  }

  private readonly startHooks: (() => Promise<void>)[] = [];
  private readonly stopHooks: (() => Promise<void>)[] = [];

  async close(): Promise<void> {
    for (const stop of this.stopHooks) await stop();
    for (const connection of this.connections) connection.drop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Adds an account to the network (a contact, or the phone that will link a client). */
  addAccount(phone: string, options?: AddAccountOptions): Account {
    return this.accounts.add(phone, options);
  }

  onIq(xmlns: string, handler: IqHandler, childTag?: string): void {
    this.iqHandlers.set(childTag ? `${xmlns}/${childTag}` : xmlns, handler);
  }

  onNode(tag: string, handler: NodeHandler): void {
    this.nodeHandlers.set(tag, handler);
  }

  onHandshake(kind: 'registration' | 'login', handler: HandshakeHandler): void {
    this.handshakeHandlers[kind] = handler;
  }

  /** Adds a step that decrypts part of an outgoing message (pairwise copies, group payloads). */
  onDeliver(deliverer: NodeHandler): void {
    this.deliverers.push(deliverer);
  }

  /** Adds a listener for every decryption (e.g. to take in sender keys) before it is recorded. */
  onDecrypted(listener: DecryptedListener): void {
    this.decryptedListeners.push(listener);
  }

  /** Runs every delivery step for an outgoing `message` node, in the order they were added. */
  async deliver(connection: Connection, node: BinaryNode): Promise<void> {
    for (const deliverer of this.deliverers) await deliverer(connection, node);
  }

  /** Called by delivery steps for each message a device decrypted. */
  async messageDecrypted(account: Account, device: number, message: proto.IMessage, meta: DecryptedMeta): Promise<void> {
    for (const listener of this.decryptedListeners) await listener(account, device, message, meta);
  }

  /** Sends the server's ack for an outgoing message, unless a fault delays or withholds it. */
  async acknowledge(connection: Connection, ack: BinaryNode): Promise<void> {
    if (this.faults.withholdAcks) return;
    const send = () => {
      connection.send(ack);
      this.acked.add(ack.attrs.id!);
      this.acks.changed();
    };
    if (this.faults.ackDelayMs > 0) setTimeout(send, this.faults.ackDelayMs);
    else send();
  }

  /** Resolves once the server acked message `id`: nothing about a message reaches its sender before that. */
  acknowledged(id: string, timeoutMs = waitLimitMs): Promise<void> {
    return this.acks.until(() => this.acked.has(id), () => `the ack of message ${id}`, timeoutMs);
  }

  private readonly acked = new Set<string>();
  private readonly acks = new Conditions();

  /** The live connection of one linked companion, if it is online: its newest, while an older one is being replaced. */
  connectionOf(account: Account, deviceId: number): Connection | undefined {
    return this.deviceSockets.live(account.deviceJid(deviceId)).at(-1);
  }

  /**
   * How long two or more logged-in sockets of one device were open at once, and how often: what a
   * cluster of connectors must keep at zero.
   *
   * @example emulator.overlapOf(account, client.deviceId); // { device: '79001112233:1@s.whatsapp.net', open: 1, overlaps: 0, overlapMs: 0 }
   */
  overlapOf(account: Account, deviceId: number): DeviceOverlap {
    return this.deviceSockets.overlapOf(account.deviceJid(deviceId));
  }

  /** Iq kinds nobody handled (answered with an empty result), for tests that want none. */
  unhandledIqs(): readonly string[] {
    return this.unhandled;
  }

  private readonly events = {
    handshake: (connection: Connection, hello: ClientHello) => {
      const kind = hello.payload.devicePairingData ? 'registration' : 'login';
      const handler = this.handshakeHandlers[kind];
      if (!handler) throw new Error(`no ${kind} handler installed`);
      return handler(connection, hello);
    },
    node: async (connection: Connection, node: BinaryNode) => {
      if (node.tag === 'iq') return this.routeIq(connection, node);
      const handler = this.nodeHandlers.get(node.tag);
      if (handler) await handler(connection, node);
    },
    closed: (connection: Connection) => {
      this.connections.delete(connection);
      this.deviceSockets.closed(connection);
    },
    error: (connection: Connection, error: unknown) => {
      this.log?.(`#${connection.id} error: ${error instanceof Error ? error.stack : String(error)}`);
      connection.drop();
    },
  };

  private async routeIq(connection: Connection, iq: BinaryNode): Promise<void> {
    const child = Array.isArray(iq.content) ? iq.content[0] : undefined;
    const xmlns = iq.attrs.xmlns ?? '';
    const handler = (child && this.iqHandlers.get(`${xmlns}/${child.tag}`)) ?? this.iqHandlers.get(xmlns);
    if (handler) return handler(connection, iq, child);
    if (iq.attrs.type === 'result' || iq.attrs.type === 'error') return;
    // An unanswered iq stalls the client for its whole query timeout: answer, and note it.
    this.unhandled.push(`${xmlns}/${child?.tag ?? ''}`);
    connection.reply(iq);
  }
}
