import { Curve, proto, WA_CERT_DETAILS } from 'baileys';

/** A Curve25519 key pair in Baileys' form: 32-byte public key without the type byte. */
export interface CurveKeyPair {
  public: Uint8Array;
  private: Uint8Array;
}

/** The emulator's trust anchor, like a test CA: its public key replaces WhatsApp's root key. */
export interface RootKey {
  serial: number;
  keyPair: CurveKeyPair;
}

export function createRootKey(): RootKey {
  return { serial: WA_CERT_DETAILS.SERIAL, keyPair: Curve.generateKeyPair() };
}

/**
 * The Noise certificate chain the server presents: an intermediate signed by the root key and a
 * leaf (the server's static key) signed by the intermediate, as the client checks it.
 */
export function issueCertificateChain(root: RootKey, serverStaticPublic: Uint8Array): Uint8Array {
  const intermediate = Curve.generateKeyPair();
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: root.serial,
    key: intermediate.public,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: serverStaticPublic,
  }).finish();
  return proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(root.keyPair.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediate.private, leafDetails) },
  }).finish();
}

/** Makes this process's Baileys trust the emulator's root key, as a test trusts its own CA. */
export { trustRootKey as trustEmulatorRoot } from '../../src/engines/baileys/trusted-root.js';
