import { randomBytes } from 'node:crypto';
import {
  Curve,
  getBinaryNodeChild,
  hmacSign,
  proto,
  S_WHATSAPP_NET,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  WA_ADV_DEVICE_SIG_PREFIX,
  type BinaryNode,
} from 'baileys';
import type { Account } from './accounts.js';
import type { Connection } from './connection.js';
import type { EmulatorModule, WaEmulator } from './emulator.js';

/** The parts a client encodes in its QR code (`https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform`). */
export interface ScannedQr {
  ref: string;
  noisePublic: Buffer;
  identityPublic: Buffer;
  advSecret: Buffer;
}

export function parseQr(qr: string): ScannedQr {
  const [ref, noise, identity, adv] = qr.slice(qr.indexOf('#') + 1).split(',');
  if (!ref || !noise || !identity || !adv) throw new Error(`not a WhatsApp link QR: ${qr.slice(0, 40)}`);
  return {
    ref,
    noisePublic: Buffer.from(noise, 'base64'),
    identityPublic: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
  };
}

/** Offers refs to every client that connects without credentials: it shows one QR per ref (60 s, then 20 s each). */
export const registration: EmulatorModule = (emulator) => {
  emulator.onHandshake('registration', (connection, hello) => {
    const refs = Array.from({ length: emulator.faults.qrRefs }, () => `2@${randomBytes(24).toString('base64')}`);
    connection.registration = { refs, payload: hello.payload, clientStatic: hello.clientStatic };
    connection.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: randomBytes(6).toString('hex'), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {}, content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })) }],
    });
  });
};

/** The linked device's identity as the account's primary phone signs it (ADV). */
function signDeviceIdentity(account: Account, companionIdentity: Uint8Array, advSecret: Uint8Array, keyIndex: number): Buffer {
  const details = proto.ADVDeviceIdentity.encode({ rawId: 1, timestamp: Math.floor(Date.now() / 1000), keyIndex }).finish();
  const accountKey = account.accountKey;
  const accountSignature = Curve.sign(accountKey.private, Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, companionIdentity]));
  const signed = proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: accountKey.public, accountSignature }).finish();
  return Buffer.from(proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac: hmacSign(signed, advSecret) }).finish());
}

/** Checks the client's countersignature in its `pair-device-sign` answer. */
function verifyDeviceSignature(answer: BinaryNode, account: Account, companionIdentity: Uint8Array): void {
  const identityNode = getBinaryNodeChild(getBinaryNodeChild(answer, 'pair-device-sign'), 'device-identity');
  if (!(identityNode?.content instanceof Uint8Array)) throw new Error('pair-device-sign without a device identity');
  const signed = proto.ADVSignedDeviceIdentity.decode(identityNode.content);
  const message = Buffer.concat([WA_ADV_DEVICE_SIG_PREFIX, signed.details!, companionIdentity, account.accountKey.public]);
  if (!signed.deviceSignature || !Curve.verify(companionIdentity, message, signed.deviceSignature)) {
    throw new Error('the client signed its device identity wrongly');
  }
}

/**
 * Completes a link as the primary phone does once the client's identity is known: pair-success
 * with a signed identity, the client's countersignature, then stream error 515 (restart) so the
 * client logs in with its new credentials.
 */
export async function completeLink(
  emulator: WaEmulator,
  connection: Connection,
  account: Account,
  client: { identityPublic: Uint8Array; advSecret: Uint8Array },
): Promise<{ deviceId: number }> {
  const deviceId = account.allocateCompanionId();
  const keyIndex = deviceId;
  const answer = await connection.query({
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', xmlns: 'md', t: String(Math.floor(Date.now() / 1000)) },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: {}, content: signDeviceIdentity(account, client.identityPublic, client.advSecret, keyIndex) },
          { tag: 'platform', attrs: { name: 'android' } },
          { tag: 'device', attrs: { jid: `${account.phone}:${deviceId}@s.whatsapp.net`, lid: `${account.lid}:${deviceId}@lid` } },
        ],
      },
    ],
  });
  if (answer.attrs.type !== 'result') throw new Error('the client refused pair-success');
  verifyDeviceSignature(answer, account, client.identityPublic);
  account.companions.set(deviceId, {
    deviceId,
    noisePublic: connection.registration!.clientStatic,
    identityPublic: client.identityPublic,
    uploadedPreKeys: 0,
    loggedOut: false,
  });
  emulator.log?.(`linked ${account.phone}:${deviceId}`);
  connection.registration = undefined;
  connection.streamError(515);
  return { deviceId };
}

/**
 * The phone of `phone` scans `qr`: finds the waiting client by the QR's ref, checks the QR's keys
 * are the ones that client connected with, and links it.
 */
export async function scanQr(emulator: WaEmulator, phone: string, qr: string): Promise<{ deviceId: number }> {
  const account = emulator.accounts.byPhoneNumber(phone);
  if (!account) throw new Error(`${phone} has no WhatsApp account on the emulator`);
  const scanned = parseQr(qr);
  const connection = [...emulator.connections].find((c) => !c.closed && c.registration?.refs.includes(scanned.ref));
  if (!connection) throw new Error('no client is showing this QR code (expired or already used)');
  if (!Buffer.from(connection.registration!.clientStatic).equals(scanned.noisePublic)) {
    throw new Error('the QR code was not made by the client that shows it');
  }
  return completeLink(emulator, connection, account, scanned);
}
