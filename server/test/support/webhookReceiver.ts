// A webhook receiver on its own port for the alert tests: keeps every POST whose HMAC-SHA256
// signature checks out, answers 503 to the first `failFirst` requests (an outage), and refuses a
// badly signed request with 401 so a test sees it was never accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './testApp.ts';

export interface ReceivedWebhook {
  event: string;
  text: string;
  [key: string]: unknown;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** requests answered so far, including the refused ones */
  requests: number;
  failFirst: number;
  /** a WEB destination pointing here with the receiver's signing secret; its global id */
  destination(t: TestApp, name: string): Promise<string>;
  /** waits until `predicate` holds for what was received; fails with what arrived */
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, what: string, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    requests: 0,
    failFirst: 0,
    async destination(t, name) {
      const data = await t.ok<{ createDestination: { id: string } }>(
        'mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }',
        {
          i: { name, type: 'WEB', settings: { url: receiver.url }, credentials: { signingSecret: secret } },
        },
      );
      return data.createDestination.id;
    },
    async waitFor(predicate, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline)
          throw new Error(`expected ${what} within ${timeoutMs} ms; received: ${JSON.stringify(receiver.received.map((r) => r.text))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return receiver.received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests++;
      if (receiver.requests <= receiver.failFirst) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"receiver down"}');
        return;
      }
      const body = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-paidsync-signature'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
        return;
      }
      receiver.received.push(JSON.parse(body.toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
