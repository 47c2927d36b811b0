import { randomBytes } from 'node:crypto';
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  getBinaryNodeChildBuffer,
  hkdf,
  jidDecode,
  S_WHATSAPP_NET,
  type BinaryNode,
} from 'baileys';
import { Conditions } from '../../src/engines/baileys/conditions.js';
import type { Connection } from './connection.js';
import type { CurveKeyPair } from './certificates.js';
import type { EmulatorModule, WaEmulator } from './emulator.js';
import { completeLink } from './linking.js';
import { waitLimitMs } from '../support/eventually.js';

/** A client waiting for its pairing code to be typed on the phone. */
interface PendingPairing {
  connection: Connection;
  phone: string;
  ref: Buffer;
  wrappedCompanionEphemeral: Buffer;
  /** Set once the phone has answered with its own ephemeral key. */
  primaryEphemeral?: CurveKeyPair;
  companionEphemeral?: Buffer;
  finished?: (error?: Error) => void;
}

/** Clients waiting for a code, per emulator, and a way to wait for one to arrive. */
class PendingPairings {
  readonly list: PendingPairing[] = [];
  readonly changes = new Conditions();

  add(pairing: PendingPairing): void {
    this.list.push(pairing);
    this.changes.changed();
  }
}

const pendingByEmulator = new WeakMap<WaEmulator, PendingPairings>();
const pendingOf = (emulator: WaEmulator) => {
  let pending = pendingByEmulator.get(emulator);
  if (!pending) pendingByEmulator.set(emulator, (pending = new PendingPairings()));
  return pending;
};

const required = (node: BinaryNode | undefined, tag: string): Buffer => {
  const value = getBinaryNodeChildBuffer(node, tag);
  if (!value) throw new Error(`link_code_companion_reg without ${tag}`);
  return Buffer.from(value);
};

/** Wraps a public key with the key derived from the code, as both sides do: salt ‖ iv ‖ AES-CTR. */
async function wrapWithCode(code: string, publicKey: Uint8Array): Promise<Buffer> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  return Buffer.concat([salt, iv, aesEncryptCTR(publicKey, await derivePairingCodeKey(code, salt), iv)]);
}

async function unwrapWithCode(code: string, wrapped: Buffer): Promise<Buffer> {
  return aesDecryptCTR(wrapped.subarray(48, 80), await derivePairingCodeKey(code, wrapped.subarray(0, 32)), wrapped.subarray(32, 48));
}

/** The client that asked for a code for `phone`; its request may still be on the wire. */
async function waitingClient(emulator: WaEmulator, phone: string, timeoutMs = waitLimitMs): Promise<PendingPairing> {
  const pending = pendingOf(emulator);
  let pairing: PendingPairing | undefined;
  const waiting = () => (pairing = pending.list.find((p) => p.phone === phone && !p.connection.closed && !p.primaryEphemeral)) !== undefined;
  await pending.changes.until(waiting, () => `a client asking for a pairing code for ${phone}`, timeoutMs);
  return pairing!;
}

/**
 * The phone of `phone` types the 8-character code the client shows: it unwraps the client's
 * ephemeral key with it, answers with its own, and links once the client's key bundle decrypts.
 * A wrong code yields a wrong key, the bundle does not decrypt, and nothing is linked.
 */
export async function enterPairingCode(emulator: WaEmulator, phone: string, code: string): Promise<void> {
  const account = emulator.accounts.byPhoneNumber(phone);
  if (!account) throw new Error(`${phone} has no WhatsApp account on the emulator`);
  const pairing = await waitingClient(emulator, account.phone);
  pairing.companionEphemeral = await unwrapWithCode(code.replace(/-/g, '').toUpperCase(), pairing.wrappedCompanionEphemeral);
  pairing.primaryEphemeral = Curve.generateKeyPair();
  const done = new Promise<void>((resolve, reject) => {
    pairing.finished = (error) => (error ? reject(error) : resolve());
  });
  pairing.connection.send({
    tag: 'notification',
    attrs: { from: S_WHATSAPP_NET, type: 'link_code_companion_reg', id: randomBytes(6).toString('hex'), t: String(Math.floor(Date.now() / 1000)) },
    content: [
      {
        tag: 'link_code_companion_reg',
        attrs: {},
        content: [
          { tag: 'link_code_pairing_ref', attrs: {}, content: pairing.ref },
          { tag: 'primary_identity_pub', attrs: {}, content: account.accountKey.public },
          { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: await wrapWithCode(code, pairing.primaryEphemeral.public) },
        ],
      },
    ],
  });
  return done;
}

/** Linking by pairing code: `companion_hello` registers the wait, `companion_finish` completes it. */
export const pairingCode: EmulatorModule = (emulator) => {
  emulator.onIq(
    'md',
    async (connection, iq, request) => {
      const stage = request?.attrs.stage;
      if (stage === 'companion_hello') {
        if (!connection.registration) return connection.replyError(iq, 400, 'bad-request');
        const noiseKey = required(request, 'companion_server_auth_key_pub');
        if (!noiseKey.equals(Buffer.from(connection.registration.clientStatic))) return connection.replyError(iq, 401, 'not-authorized');
        const ref = Buffer.from(randomBytes(16).toString('base64url'));
        const phone = jidDecode(request!.attrs.jid ?? '')?.user ?? '';
        pendingOf(emulator).add({ connection, phone, ref, wrappedCompanionEphemeral: required(request, 'link_code_pairing_wrapped_companion_ephemeral_pub') });
        connection.reply(iq, [{ tag: 'link_code_companion_reg', attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: ref }] }]);
        return;
      }
      if (stage === 'companion_finish') return finish(emulator, connection, iq, request!);
      connection.replyError(iq, 400, 'bad-request');
    },
    'link_code_companion_reg',
  );
};

async function finish(emulator: WaEmulator, connection: Connection, iq: BinaryNode, request: BinaryNode): Promise<void> {
  const ref = required(request, 'link_code_pairing_ref');
  const pending = pendingOf(emulator).list;
  const pairing = pending.find((p) => p.connection === connection && p.ref.equals(ref) && p.primaryEphemeral);
  if (!pairing?.primaryEphemeral || !pairing.companionEphemeral) return connection.replyError(iq, 404, 'item-not-found');
  pending.splice(pending.indexOf(pairing), 1);
  const account = emulator.accounts.byPhoneNumber(pairing.phone)!;
  try {
    const bundle = required(request, 'link_code_pairing_wrapped_key_bundle');
    const companionShared = Curve.sharedKey(pairing.primaryEphemeral.private, pairing.companionEphemeral);
    const bundleKey = hkdf(companionShared, 32, { salt: bundle.subarray(0, 32), info: 'link_code_pairing_key_bundle_encryption_key' });
    const plain = aesDecryptGCM(bundle.subarray(44), bundleKey, bundle.subarray(32, 44), Buffer.alloc(0));
    const companionIdentity = plain.subarray(0, 32);
    if (!companionIdentity.equals(required(request, 'companion_identity_public'))) throw new Error('identity mismatch');
    if (!plain.subarray(32, 64).equals(Buffer.from(account.accountKey.public))) throw new Error('primary identity mismatch');
    const identityShared = Curve.sharedKey(account.accountKey.private, companionIdentity);
    const advSecret = hkdf(Buffer.concat([companionShared, identityShared, plain.subarray(64)]), 32, { info: 'adv_secret' });
    connection.reply(iq);
    // Not awaited: the client's answer to pair-success arrives on this same connection, whose
    // nodes are handled one at a time, after this handler returns.
    completeLink(emulator, connection, account, { identityPublic: companionIdentity, advSecret }).then(
      () => pairing.finished?.(),
      (error: unknown) => pairing.finished?.(error as Error),
    );
  } catch (error) {
    // A wrong code: the phone cannot open the client's key bundle and links nothing.
    connection.replyError(iq, 401, 'not-authorized');
    pairing.finished?.(new Error(`pairing failed: ${(error as Error).message}`));
  }
}
