/**
 * A webhook receiver as an app would write one: it verifies each delivery's Standard Webhooks
 * signature (with the `standardwebhooks` library, independently of imbridge's signing code),
 * drops a delivery whose `webhook-id` it already has, and can be told to fail for a while.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  webhookId: string;
  type: string;
  timestamp: string;
  data: { id: string; type: string; backend: string; source: string; actor: string | null; target: Record<string, string>; after: unknown; time: string };
}

export interface WebhookReceiver {
  url: string;
  /** Verified, deduplicated deliveries, in arrival order. */
  events: ReceivedEvent[];
  /** Every verified delivery, duplicates included. */
  deliveries: number;
  /** Deliveries whose signature did not verify. */
  rejected: number;
  /** Answer this status instead of 204 (receiver "down"); undefined = accept. */
  failWith: number | undefined;
  /** Hold requests unanswered (a receiver that hangs). */
  hang: boolean;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('imbridge-test-webhook-secret-32b').toString('base64')}`;

export async function startWebhookReceiver(secret = TEST_WEBHOOK_SECRET, port = 0): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const seen = new Set<string>();
  const receiver: WebhookReceiver = {
    url: '',
    events: [],
    deliveries: 0,
    rejected: 0,
    failWith: undefined,
    hang: false,
    waitFor: async (count, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (receiver.events.length < count) {
        if (Date.now() > deadline) throw new Error(`received ${receiver.events.length} of ${count} events: ${JSON.stringify(receiver.events.map((event) => event.type))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return receiver.events;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (receiver.hang) return;
      if (receiver.failWith !== undefined) {
        response.writeHead(receiver.failWith).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { type: string; timestamp: string; data: ReceivedEvent['data'] };
      try {
        payload = verifier.verify(body, request.headers as Record<string, string>) as typeof payload;
      } catch {
        receiver.rejected += 1;
        response.writeHead(401).end();
        return;
      }
      receiver.deliveries += 1;
      const webhookId = request.headers['webhook-id'] as string;
      if (!seen.has(webhookId)) {
        seen.add(webhookId);
        receiver.events.push({ webhookId, type: payload.type, timestamp: payload.timestamp, data: payload.data });
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
