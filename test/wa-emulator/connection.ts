import { randomBytes } from 'node:crypto';
import { decodeBinaryNode, encodeBinaryNode, NOISE_WA_HEADER, proto, S_WHATSAPP_NET, type BinaryNode } from 'baileys';
import type { WebSocket } from 'ws';
import type { Account, Companion } from './accounts.js';
import { frame, FrameReader } from './framing.js';
import type { ClientHello, NoiseServer } from './noise-server.js';
import { waitLimitMs } from '../support/eventually.js';

/** What a connection hands to the emulator once the handshake is done and per node after it. */
export interface ConnectionEvents {
  handshake(connection: Connection, hello: ClientHello): void | Promise<void>;
  node(connection: Connection, node: BinaryNode): void | Promise<void>;
  closed(connection: Connection): void;
  error(connection: Connection, error: unknown): void;
}

/** The routing header a client sends before the Noise prologue once it was told an edge route. */
const ROUTED_INTRO = Buffer.from('ED', 'utf8');

let connectionCount = 0;

/** One client socket: the Noise handshake, then encrypted binary nodes both ways. */
export class Connection {
  readonly id = ++connectionCount;
  /** Set once a linked companion logged in on this socket. */
  login: { account: Account; companion: Companion } | undefined;
  /** Set while an unlinked client waits to be linked. */
  registration: { refs: string[]; payload: proto.ClientPayload; clientStatic: Uint8Array } | undefined;
  private readonly reader = new FrameReader();
  private stage: 'hello' | 'finish' | 'transport' = 'hello';
  private introSeen = false;
  private readonly pendingQueries = new Map<string, (node: BinaryNode) => void>();
  private queue: Promise<void> = Promise.resolve();
  private closedFlag = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly noise: NoiseServer,
    private readonly events: ConnectionEvents,
    readonly log: ((line: string) => void) | undefined,
  ) {
    socket.on('message', (data: Buffer) => {
      // Frames are handled strictly in order, as the client's Noise counters require.
      this.queue = this.queue.then(() => this.receive(data)).catch((error: unknown) => this.events.error(this, error));
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.events.closed(this);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The companion's device JID on its phone number, e.g. `79001234567:1@s.whatsapp.net`. */
  get deviceJid(): string {
    if (!this.login) throw new Error('not logged in');
    return this.login.account.deviceJid(this.login.companion.deviceId);
  }

  /** A slow link: every node to the client leaves this much later (order is kept). */
  outgoingDelayMs = 0;

  send(node: BinaryNode): void {
    if (this.closedFlag) return;
    this.log?.(`#${this.id} >> ${node.tag} ${JSON.stringify(node.attrs)}`);
    // Encrypted now, so the transport counter follows the order of sending.
    const bytes = frame(this.noise.encrypt(encodeBinaryNode(node)));
    if (this.outgoingDelayMs > 0) setTimeout(() => this.closedFlag || this.socket.send(bytes), this.outgoingDelayMs);
    else this.socket.send(bytes);
  }

  /** Answers an iq with a result (and optional children). */
  reply(iq: BinaryNode, content?: BinaryNode[]): void {
    this.send({ tag: 'iq', attrs: { from: iq.attrs.to ?? S_WHATSAPP_NET, type: 'result', id: iq.attrs.id! }, content });
  }

  /** Answers an iq with an error, as the server does for requests it refuses. */
  replyError(iq: BinaryNode, code: number, text: string): void {
    this.send({
      tag: 'iq',
      attrs: { from: iq.attrs.to ?? S_WHATSAPP_NET, type: 'error', id: iq.attrs.id! },
      content: [{ tag: 'error', attrs: { code: String(code), text } }],
    });
  }

  /** Sends a server-initiated iq and waits for the client's answer. */
  query(node: BinaryNode, timeoutMs = waitLimitMs): Promise<BinaryNode> {
    const id = node.attrs.id ?? randomBytes(6).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingQueries.delete(id);
        reject(new Error(`client did not answer iq ${id}`));
      }, timeoutMs);
      this.pendingQueries.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.send({ ...node, attrs: { ...node.attrs, id } });
    });
  }

  /**
   * Ends the stream the way the server does: a `stream:error` node, then the socket closes.
   * WhatsApp leaves `code` out when the child alone names the reason (`<conflict type="replaced"/>`);
   * Baileys then maps the child's tag to a status, and a code would win over it.
   */
  streamError(code: number | undefined, children: BinaryNode[] = []): void {
    this.send({ tag: 'stream:error', attrs: code === undefined ? {} : { code: String(code) }, content: children });
    setTimeout(() => this.drop(), 20);
  }

  /** Closes the socket at once, with no goodbye: a network failure as the client sees it. */
  drop(): void {
    if (!this.closedFlag) this.socket.terminate();
  }

  private async receive(data: Buffer): Promise<void> {
    if (!this.introSeen) {
      this.introSeen = true;
      data = stripIntro(data);
    }
    for (const payload of this.reader.push(data)) {
      if (this.stage === 'hello') {
        const hello = proto.HandshakeMessage.decode(payload).clientHello;
        if (!hello?.ephemeral) throw new Error('expected client hello');
        this.socket.send(frame(this.noise.serverHello(hello.ephemeral)));
        this.stage = 'finish';
      } else if (this.stage === 'finish') {
        const finish = proto.HandshakeMessage.decode(payload).clientFinish;
        if (!finish) throw new Error('expected client finish');
        const hello = this.noise.clientFinish(finish);
        this.stage = 'transport';
        await this.events.handshake(this, hello);
      } else {
        const node = await decodeBinaryNode(this.noise.decrypt(payload));
        this.log?.(`#${this.id} << ${node.tag} ${JSON.stringify(node.attrs)}`);
        const waiting = node.tag === 'iq' && node.attrs.id ? this.pendingQueries.get(node.attrs.id) : undefined;
        if (waiting && (node.attrs.type === 'result' || node.attrs.type === 'error')) {
          this.pendingQueries.delete(node.attrs.id!);
          waiting(node);
        } else {
          await this.events.node(this, node);
        }
      }
    }
  }
}

/** Removes the prologue (`WA` + version, or the `ED` routing header before it). */
function stripIntro(data: Buffer): Buffer {
  if (data.subarray(0, 2).equals(ROUTED_INTRO)) {
    const routingLength = (data[4]! << 16) | data.readUInt16BE(5);
    data = data.subarray(7 + routingLength);
  }
  if (!data.subarray(0, NOISE_WA_HEADER.length).equals(NOISE_WA_HEADER)) throw new Error('missing WhatsApp prologue');
  return data.subarray(NOISE_WA_HEADER.length);
}
