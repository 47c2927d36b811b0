import makeWASocket, {
  BufferJSON,
  DisconnectReason,
  initAuthCreds,
  jidDecode,
  type AuthenticationCreds,
  type BinaryNode,
  type ConnectionState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from 'baileys';
import type { ILogger } from 'baileys/lib/Utils/logger.js';
import { baileysLogger, silentLogger } from '../../src/engines/baileys/logger.js';
import { trustEmulatorRoot } from './certificates.js';
import { Conditions } from '../../src/engines/baileys/conditions.js';
import type { WaEmulator } from './emulator.js';
import { waitLimitMs } from '../support/eventually.js';

type Socket = ReturnType<typeof makeWASocket>;

/** Credentials and Signal keys held in memory, serialisable like a real auth store. */
export class MemoryAuth {
  creds: AuthenticationCreds = initAuthCreds();
  private readonly store = new Map<string, unknown>();

  readonly keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = this.store.get(`${type}/${id}`);
        if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
      }
      return found;
    },
    set: async (data: SignalDataSet) => {
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value) this.store.set(`${type}/${id}`, value);
          else this.store.delete(`${type}/${id}`);
        }
      }
    },
  };

  /** A deep copy through JSON, as if saved to disk and read back by a new process. */
  reloaded(): MemoryAuth {
    const copy = new MemoryAuth();
    copy.creds = JSON.parse(JSON.stringify(this.creds, BufferJSON.replacer), BufferJSON.reviver) as AuthenticationCreds;
    for (const [key, value] of this.store) copy.store.set(key, JSON.parse(JSON.stringify(value, BufferJSON.replacer), BufferJSON.reviver));
    return copy;
  }
}

/** Baileys wants a pino-like logger; this one is silent unless WA_CLIENT_LOG names a level. */
function quietLogger(): ILogger {
  const level = process.env.WA_CLIENT_LOG as Parameters<typeof baileysLogger>[0] | undefined;
  return level ? baileysLogger(level, (at, message) => console.log(`[baileys ${at}]`, message)) : silentLogger;
}

export interface ClientOptions {
  auth?: MemoryAuth;
  /** Extra socket options for a test (e.g. a pairing-code flow). */
  socket?: Partial<Parameters<typeof makeWASocket>[0]>;
}

/**
 * A bare Baileys socket pointed at the emulator, restarted on stream error 515 as every app does
 * after linking. `sock` is the current socket; it changes across restarts.
 */
export class BaileysClient {
  sock!: Socket;
  readonly qrs: string[] = [];
  /**
   * Ids of messages the server acked, read off the socket: Baileys emits no event for a good ack
   * (only for an ack with an error), so this is the only way to see one.
   */
  readonly serverAcks = new Set<string>();
  readonly closes: { statusCode: number | undefined; at: number }[] = [];
  private state: Partial<ConnectionState> = {};
  private readonly changes = new Conditions();
  private stopped = false;

  constructor(
    private readonly emulator: WaEmulator,
    readonly auth: MemoryAuth = new MemoryAuth(),
    private readonly socketOptions: ClientOptions['socket'] = {},
  ) {
    trustEmulatorRoot(emulator.rootPublicKey);
    this.connect();
  }

  /** The linked device id (the `:N` of `creds.me.id`). */
  get deviceId(): number {
    const id = this.auth.creds.me?.id;
    if (!id) throw new Error('not linked');
    return jidDecode(id)?.device ?? 0;
  }

  get connection(): ConnectionState['connection'] | undefined {
    return this.state.connection;
  }

  /** Resolves once `predicate` holds, re-checked after every event the socket emits. */
  until(predicate: () => boolean, what: string, timeoutMs = waitLimitMs): Promise<void> {
    const described = () => `${what} (connection: ${this.state.connection}, closes: ${JSON.stringify(this.closes)})`;
    return this.changes.until(predicate, described, timeoutMs);
  }

  async nextQr(): Promise<string> {
    await this.until(() => this.qrs.length > 0, 'a QR code');
    return this.qrs.at(-1)!;
  }

  open(timeoutMs?: number): Promise<void> {
    return this.until(() => this.state.connection === 'open', 'connection open', timeoutMs);
  }

  closedWith(statusCode: number, timeoutMs?: number): Promise<void> {
    return this.until(() => this.closes.some((c) => c.statusCode === statusCode), `close with ${statusCode}`, timeoutMs);
  }

  /**
   * Releases events Baileys holds in its event buffer. Baileys 7.0.0-rc14 can hold them for up to
   * 30 s: once its debounced flush fires while nothing is buffered, the stale timer handle stops
   * every later debounced flush (Utils/event-buffer.js), so a receipt's status update waits for
   * the 30 s safety flush. The engine must flush too; tests do it here to stay fast.
   */
  flushEvents(): void {
    this.sock.ev.flush();
  }

  /** Ends the client for good (no reconnect) and waits for the socket to close. */
  async stop(): Promise<void> {
    this.stopped = true;
    void this.sock.end(undefined);
    await this.until(() => this.state.connection === 'close', 'close').catch(() => {});
  }

  private connect(): void {
    const sock = makeWASocket({
      waWebSocketUrl: this.emulator.url,
      auth: { creds: this.auth.creds, keys: this.auth.keys },
      logger: quietLogger(),
      defaultQueryTimeoutMs: waitLimitMs,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      ...this.socketOptions,
    });
    this.sock = sock;
    sock.ws.on('CB:ack,class:message', (node: BinaryNode) => {
      if (node.attrs.id) this.serverAcks.add(node.attrs.id);
      this.recheck();
    });
    sock.ev.on('creds.update', (update) => {
      Object.assign(this.auth.creds, update);
    });
    sock.ev.on('connection.update', (update) => {
      if (sock !== this.sock) return;
      this.state = { ...this.state, ...update };
      if (update.qr) this.qrs.push(update.qr);
      if (update.connection === 'close') {
        const statusCode = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
        this.closes.push({ statusCode, at: Date.now() });
        if (statusCode === DisconnectReason.restartRequired && !this.stopped) this.connect();
      }
      this.recheck();
    });
    // After the test's own listeners for the same events have run.
    sock.ev.process(async () => {
      setImmediate(() => this.recheck());
    });
  }

  private recheck(): void {
    this.changes.changed();
  }
}
