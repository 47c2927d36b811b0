import { WA_CERT_DETAILS } from 'baileys';

/**
 * Makes this process's Baileys trust another root key for the server's Noise certificate, as a
 * test trusts its own CA: a staging server (the protocol emulator) signs with its own root. Baileys
 * reads the root from one process-wide buffer on every handshake, so it is replaced in place; every
 * socket of the process then trusts that root only. Returns a function that restores WhatsApp's.
 */
export function trustRootKey(rootPublicKey: Uint8Array): () => void {
  const trusted = WA_CERT_DETAILS.PUBLIC_KEY;
  if (trusted.length !== rootPublicKey.length) throw new Error(`the root key must be ${trusted.length} bytes`);
  const original = Buffer.from(trusted);
  trusted.set(rootPublicKey);
  return () => trusted.set(original);
}
