import http from 'node:http';
import https from 'node:https';
import { pinnedLookup } from '../attachments/http-get.js';
import type { AddressPolicy } from '../attachments/address-policy.js';
import { resolveAllowedAddresses, type HostLookup } from '../attachments/resolve-target.js';

export interface WebhookPost {
  url: URL;
  body: string;
  headers: Record<string, string>;
  policy: AddressPolicy;
  lookup: HostLookup;
  timeoutMs: number;
}

/** What the endpoint did with one delivery: its status, or why no status came. */
export type PostOutcome = { status: number } | { error: string };

/**
 * POSTs one delivery to an address the policy allows (resolved once and pinned, as attachments
 * are fetched), reading no more of the answer than its status. Never throws.
 */
export async function postWebhook(post: WebhookPost): Promise<PostOutcome> {
  let addresses;
  try {
    addresses = await resolveAllowedAddresses(post.url, post.policy, post.lookup);
  } catch (error) {
    return { error: (error as Error).message };
  }
  return new Promise<PostOutcome>((resolve) => {
    const transport = post.url.protocol === 'https:' ? https : http;
    const request = transport.request(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(post.body)), 'user-agent': 'whatsapp-connector-webhooks', ...post.headers },
      agent: false,
      lookup: pinnedLookup(addresses),
      timeout: post.timeoutMs,
    });
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${post.timeoutMs} ms`)));
    request.on('error', (error) => resolve({ error: error.message }));
    request.end(post.body);
  });
}
