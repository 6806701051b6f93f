/**
 * Slow clients are cut (reliability review S-2): headers that trickle in are answered 408 at
 * `headersTimeout`, a body that trickles in at `requestTimeout`, both in the JSON envelope and
 * within a second of the deadline (Node's own check runs every 30 s unless told otherwise). The
 * limits are tightened here so the test takes seconds; the defaults are in SERVER_LIMITS.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/server/create-logger.js';
import { SERVER_LIMITS, startServer, type RunningImbridge } from '../../src/server/start-server.js';

let server: RunningImbridge;
const LIMITS = { headersTimeout: 1_000, requestTimeout: 2_000 };

beforeAll(async () => {
  const config = validateConfig({ server: { host: '127.0.0.1', port: 0 }, defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } }, {});
  server = await startServer(config, { logger: createLogger('silent'), limits: LIMITS });
});
afterAll(async () => {
  await server?.close();
});

/** Writes `first`, then one byte of `trickle` every 200 ms; resolves with what came back and when the socket closed. */
function slowClient(first: string, trickle: string): Promise<{ answer: string; closedAfterMs: number }> {
  const url = new URL(server.url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let index = 0;
    const timer = setInterval(() => {
      if (index < trickle.length && !socket.destroyed) socket.write(trickle[index++]!);
    }, 200);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.write(first);
  });
}

describe('slow clients', () => {
  it('the defaults: 10 s for headers, 30 s for the request, checked every second', () => {
    expect(SERVER_LIMITS).toMatchObject({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 });
  });

  it('a body sent one byte at a time is cut with 408 in the envelope at requestTimeout', async () => {
    const { answer, closedAfterMs } = await slowClient(
      `PUT /v1/users/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
      '{"name":"'.padEnd(200, 'x'),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'INVALID_ARGUMENT', retryable: true } });
    expect(closedAfterMs).toBeGreaterThanOrEqual(LIMITS.requestTimeout - 100);
    expect(closedAfterMs).toBeLessThan(LIMITS.requestTimeout + 1_500);
  }, 10_000);

  it('headers sent one byte at a time are cut with 408 at headersTimeout', async () => {
    const { answer, closedAfterMs } = await slowClient('GET /healthz HTTP/1.1\r\n', 'X-Slow: '.padEnd(200, 'y'));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(LIMITS.headersTimeout + 1_500);
  }, 10_000);

  it('a prompt client meanwhile is served as usual', async () => {
    const slow = slowClient(`PUT /v1/users/slow2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n`, 'x'.repeat(50));
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    await slow;
  }, 10_000);
});
