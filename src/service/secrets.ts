import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError } from '../domain/errors.js';

/** A connection token: `wac_` and 32 random bytes, base64url (PRODUCT §2). */
export function generateToken(): string {
  return `wac_${randomBytes(32).toString('base64url')}`;
}

/** A generated admin key. */
export function generateAdminKey(): string {
  return `wak_${randomBytes(32).toString('base64url')}`;
}

/** A random id that cannot be guessed: a session id is what its link page is reached by. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** Secrets are stored only as SHA-256 hashes: they are long random strings, so no salt or stretching is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/**
 * The 32-byte key that encrypts engine credentials at rest: derived from CONNECTOR_SECRET_KEY,
 * or generated once into `<dataDir>/secret.key` (readable by its owner only).
 */
export async function loadSecretKey(dataDir: string, configured: string | undefined): Promise<Buffer> {
  if (configured !== undefined) return createHash('sha256').update(configured).digest();
  const file = join(dataDir, 'secret.key');
  try {
    return decodeKeyFile(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return decodeKeyFile(await readFile(file, 'utf8'), file);
    throw error;
  }
}

function decodeKeyFile(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new ConnectorError('INTERNAL', `${file} does not hold a 32-byte base64 key`);
  return key;
}

/** AES-256-GCM: `v1.` + base64url(iv ‖ tag ‖ ciphertext). Tampering fails the tag check. */
export function encrypt(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function decrypt(key: Buffer, sealed: string): string {
  if (!sealed.startsWith('v1.')) throw new ConnectorError('INTERNAL', 'Unknown encrypted value format');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new ConnectorError('INTERNAL', 'Stored credentials cannot be decrypted: CONNECTOR_SECRET_KEY changed?', undefined, { cause: error });
  }
}
