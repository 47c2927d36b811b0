import { createHash } from 'node:crypto';
import { aesDecryptGCM, aesEncryptGCM, Curve, hkdf, NOISE_MODE, NOISE_WA_HEADER, proto } from 'baileys';
import type { CurveKeyPair } from './certificates.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const EMPTY = Buffer.alloc(0);

function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

/** What the client said about itself in its last handshake message. */
export interface ClientHello {
  clientStatic: Uint8Array;
  payload: proto.ClientPayload;
}

/**
 * The responder side of WhatsApp's Noise XX handshake (Noise_XX_25519_AESGCM_SHA256 with the
 * WhatsApp prologue), then the transport cipher with one counter per direction.
 */
export class NoiseServer {
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private ephemeral: CurveKeyPair | undefined;
  private transport: { encKey: Buffer; decKey: Buffer; reads: number; writes: number } | undefined;

  constructor(
    private readonly serverStatic: CurveKeyPair,
    private readonly certificateChain: Uint8Array,
  ) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.length === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.key = this.hash;
    this.authenticate(NOISE_WA_HEADER);
  }

  get established(): boolean {
    return this.transport !== undefined;
  }

  /** Answers the client's ephemeral key with ours, our encrypted static key and the certificates. */
  serverHello(clientEphemeral: Uint8Array): Uint8Array {
    this.authenticate(clientEphemeral);
    const ephemeral = Curve.generateKeyPair();
    this.ephemeral = ephemeral;
    this.authenticate(ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(ephemeral.private, clientEphemeral));
    const encryptedStatic = this.encryptHandshake(this.serverStatic.public);
    this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, clientEphemeral));
    const payload = this.encryptHandshake(this.certificateChain);
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: ephemeral.public, static: encryptedStatic, payload },
    }).finish();
  }

  /** Reads the client's static key and login payload, then switches to transport keys. */
  clientFinish(finish: proto.HandshakeMessage.IClientFinish): ClientHello {
    if (!this.ephemeral || !finish.static || !finish.payload) throw new Error('handshake out of order');
    const clientStatic = this.decryptHandshake(finish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = proto.ClientPayload.decode(this.decryptHandshake(finish.payload));
    const keys = hkdf(EMPTY, 64, { salt: this.salt, info: '' });
    // The client writes with the first half and reads with the second; the server mirrors it.
    this.transport = { encKey: Buffer.from(keys.subarray(32)), decKey: Buffer.from(keys.subarray(0, 32)), reads: 0, writes: 0 };
    return { clientStatic, payload };
  }

  encrypt(plaintext: Uint8Array): Buffer {
    if (!this.transport) throw new Error('transport not established');
    return aesEncryptGCM(plaintext, this.transport.encKey, nonce(this.transport.writes++), EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (!this.transport) throw new Error('transport not established');
    return aesDecryptGCM(ciphertext, this.transport.decKey, nonce(this.transport.reads++), EMPTY);
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(material: Uint8Array): void {
    const derived = hkdf(Buffer.from(material), 64, { salt: this.salt, info: '' });
    this.salt = Buffer.from(derived.subarray(0, 32));
    this.key = Buffer.from(derived.subarray(32));
    this.counter = 0;
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const ciphertext = aesEncryptGCM(plaintext, this.key, nonce(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return ciphertext;
  }

  private decryptHandshake(ciphertext: Uint8Array): Buffer {
    const plaintext = aesDecryptGCM(ciphertext, this.key, nonce(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return plaintext;
  }
}
