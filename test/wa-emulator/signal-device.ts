import { createRequire } from 'node:module';
import { proto, unpadRandomMax16, writeRandomPadMax16 } from 'baileys';
import type { SessionRecord, SignalStorage } from 'libsignal';

/** A libsignal key pair: 33-byte public key (with the 0x05 type byte), 32-byte private key. */
export interface SignalKeyPair {
  pubKey: Buffer;
  privKey: Buffer;
}

interface LibSignal {
  keyhelper: {
    generateIdentityKeyPair(): SignalKeyPair;
    generateRegistrationId(): number;
    generateSignedPreKey(identity: SignalKeyPair, keyId: number): { keyId: number; keyPair: SignalKeyPair; signature: Buffer };
    generatePreKey(keyId: number): { keyId: number; keyPair: SignalKeyPair };
  };
  ProtocolAddress: new (name: string, deviceId: number) => { toString(): string };
  SessionCipher: new (storage: SignalStorage, address: { toString(): string }) => {
    decryptPreKeyWhisperMessage(ciphertext: Uint8Array): Promise<Buffer>;
    decryptWhisperMessage(ciphertext: Uint8Array): Promise<Buffer>;
    encrypt(plaintext: Uint8Array): Promise<{ type: number; body: Buffer }>;
  };
}

// libsignal's published typings omit `keyhelper`; this interface names the part we use.
const libsignal = createRequire(import.meta.url)('libsignal') as LibSignal;

/** A prekey bundle in the shape of an `encrypt/get key` answer. */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

/** Who sent an encrypted payload: the Signal address of the sending device. */
export interface SignalSender {
  user: string;
  device: number;
}

const ONE_TIME_PREKEYS = 20;

/**
 * One device of an emulated account with its own Signal identity, signed prekey and one-time
 * prekeys, so whatever a real client encrypts for it is really decrypted here.
 */
export class SignalDevice {
  readonly identity: SignalKeyPair;
  readonly registrationId = libsignal.keyhelper.generateRegistrationId();
  private readonly signedPreKey: { keyId: number; keyPair: SignalKeyPair; signature: Buffer };
  private readonly preKeys = new Map<number, SignalKeyPair>();
  private readonly handedOut = new Set<number>();
  private readonly sessions = new Map<string, SessionRecord>();
  private nextPreKeyId = 1;

  constructor(identity: SignalKeyPair = libsignal.keyhelper.generateIdentityKeyPair()) {
    this.identity = identity;
    this.signedPreKey = libsignal.keyhelper.generateSignedPreKey(identity, 1);
    for (let i = 0; i < ONE_TIME_PREKEYS; i++) this.addPreKey();
  }

  /** The bundle a sender fetches to open a session; each one-time prekey is handed out once. */
  takePreKeyBundle(): PreKeyBundle {
    const unused = [...this.preKeys.keys()].find((id) => !this.handedOut.has(id));
    const keyId = unused ?? this.addPreKey();
    const preKey = this.preKeys.get(keyId)!;
    // Handed-out prekeys stay loadable until a pkmsg uses them, as on the server and the phone.
    this.handedOut.add(keyId);
    if (this.preKeys.size - this.handedOut.size < 2) this.addPreKey();
    return {
      registrationId: this.registrationId,
      identityKey: this.identity.pubKey,
      signedPreKey: { keyId: this.signedPreKey.keyId, publicKey: this.signedPreKey.keyPair.pubKey, signature: this.signedPreKey.signature },
      preKey: { keyId, publicKey: preKey.pubKey },
    };
  }

  /** Decrypts a `pkmsg` or `msg` payload and decodes the padded protobuf message inside. */
  async decrypt(sender: SignalSender, type: string, ciphertext: Uint8Array): Promise<proto.IMessage> {
    const cipher = new libsignal.SessionCipher(this.storage, new libsignal.ProtocolAddress(sender.user, sender.device));
    let plaintext: Buffer;
    if (type === 'pkmsg') plaintext = await cipher.decryptPreKeyWhisperMessage(ciphertext);
    else if (type === 'msg') plaintext = await cipher.decryptWhisperMessage(ciphertext);
    else throw new Error(`not a pairwise Signal payload: ${type}`);
    return proto.Message.decode(unpadRandomMax16(plaintext));
  }

  /**
   * Encrypts a message for a device this one already has a session with (one that wrote to it
   * first), as a reply goes: a `msg` payload on the existing ratchet.
   */
  async encryptTo(recipient: SignalSender, message: proto.IMessage): Promise<{ type: 'msg' | 'pkmsg'; ciphertext: Buffer }> {
    const address = new libsignal.ProtocolAddress(recipient.user, recipient.device);
    if (!this.sessions.has(address.toString())) throw new Error(`no Signal session with ${address.toString()}: it must write first`);
    const cipher = new libsignal.SessionCipher(this.storage, address);
    const { type, body } = await cipher.encrypt(writeRandomPadMax16(proto.Message.encode(message).finish()));
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body) };
  }

  private addPreKey(): number {
    const keyId = this.nextPreKeyId++;
    this.preKeys.set(keyId, libsignal.keyhelper.generatePreKey(keyId).keyPair);
    return keyId;
  }

  private readonly storage: SignalStorage = {
    loadSession: async (id) => this.sessions.get(id),
    storeSession: async (id, record) => {
      this.sessions.set(id, record);
    },
    isTrustedIdentity: () => true,
    loadPreKey: async (id) => this.preKeys.get(Number(id)),
    removePreKey: (id) => {
      this.preKeys.delete(Number(id));
      this.handedOut.delete(Number(id));
    },
    loadSignedPreKey: () => this.signedPreKey.keyPair,
    getOurRegistrationId: () => this.registrationId,
    getOurIdentity: () => this.identity,
  };
}
