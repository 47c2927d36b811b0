import { WA_CERT_DETAILS } from 'baileys';

/** Who trusts which root now: the process has one trusted root, shared by every socket. */
let held: { key: string; original: Buffer; holders: number } | undefined;

/**
 * Makes this process's Baileys trust another root key for the server's Noise certificate, as a
 * test trusts its own CA: a staging server (the protocol emulator) signs with its own root. Baileys
 * reads the root from one process-wide buffer on every handshake, so it is replaced in place and
 * every socket of the process trusts that root only. Several holders may trust the same root;
 * WhatsApp's comes back when the last one calls the returned function. Trusting a second,
 * different root while one is held is refused.
 */
export function trustRootKey(rootPublicKey: Uint8Array): () => void {
  const trusted = WA_CERT_DETAILS.PUBLIC_KEY;
  if (trusted.length !== rootPublicKey.length) throw new Error(`the root key must be ${trusted.length} bytes`);
  const key = Buffer.from(rootPublicKey).toString('base64');
  if (held && held.key !== key) throw new Error('another root key is already trusted in this process');
  held ??= { key, original: Buffer.from(trusted), holders: 0 };
  held.holders += 1;
  trusted.set(rootPublicKey);
  let released = false;
  return () => {
    if (released || !held) return;
    released = true;
    held.holders -= 1;
    if (held.holders > 0) return;
    trusted.set(held.original);
    held = undefined;
  };
}
