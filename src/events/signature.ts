import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const prefix = 'whsec_';

/** A new signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `${prefix}${randomBytes(24).toString('base64')}`;
}

/** Whether `secret` is one we can sign with: `whsec_` and base64 of 24 to 64 bytes. */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(prefix)) return false;
  const key = secret.slice(prefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return false;
  const bytes = Buffer.from(key, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/**
 * The headers that sign one delivery, per the Standard Webhooks convention: the signature is
 * `v1,` and base64 of HMAC-SHA256 over `id.timestamp.body` keyed with the secret's bytes.
 *
 * @example signedHeaders(secret, event.id, Math.floor(Date.now() / 1000), body)['webhook-signature'] // 'v1,K5o…'
 */
export function signedHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  const key = Buffer.from(secret.slice(prefix.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** Compares a presented signature header with the expected one without leaking timing. */
export function signatureMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  return presented.split(' ').some((candidate) => {
    const b = Buffer.from(candidate);
    return a.length === b.length && timingSafeEqual(a, b);
  });
}
