import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One POST the receiver took, whatever it answered. */
export interface ReceivedCall {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A webhook endpoint on loopback, as a user's would be: it records every call, answers `answer`
 * (200 unless a test makes it fail), can go away (the port refuses connections) and come back on
 * the same port. `verified()` checks each delivered body's signature with the standardwebhooks package.
 */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  answer = 200;
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/whatsapp`;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.calls.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered: this.answer });
        response.writeHead(this.answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Goes away: connections to its port are refused until `start` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every call it answered 2xx, its signature verified with `secret` (throws on a bad one), as the parsed event. */
  delivered(secret: string): { id: string; type: string; sessionId: string; data: Record<string, unknown> }[] {
    const verifier = new Webhook(secret);
    return this.calls
      .filter((call) => call.answered >= 200 && call.answered < 300)
      .map((call) => {
        const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(call.headers[name])]));
        return verifier.verify(call.body, headers) as { id: string; type: string; sessionId: string; data: Record<string, unknown> };
      });
  }
}
