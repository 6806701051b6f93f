/**
 * A loopback proxy between imbridge and a live vendor that keeps every exchange: the request
 * imbridge sent and the answer the real server gave. Kept exchanges become fixtures that CI
 * replays against the project's fake (`src/testing/replay-exchanges.ts`), so a fake that drifts
 * from the real server fails a test. Credentials never reach a fixture: credential headers are
 * dropped (only whether the request carried one is kept) and secret-looking body fields are
 * replaced by `<redacted>`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest } from 'undici';
import { parseJson } from '../../runtime/index.js';
import type { RecordedExchange, ExchangeRequest } from '../../testing/index.js';

export type { RecordedExchange } from '../../testing/index.js';

/** Header names that carry credentials on some vendor. No request header but the content type reaches a fixture. */
export const CREDENTIAL_HEADERS = ['authorization', 'token', 'sign', 'nonce', 'timestamp', 'cookie', 'x-api-key'] as const;

/** Body fields whose values are secrets on some vendor (an admin secret, a user's login token). */
const SECRET_FIELDS = new Set(['secret', 'token', 'password', 'appcertificate', 'apptoken', 'access_token', 'accesstoken']);

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, SECRET_FIELDS.has(key.toLowerCase()) && typeof entry === 'string' ? '<redacted>' : redact(entry)]));
  }
  return value;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{"]/.test(text)) {
    try {
      // int64 ids stay exact (bigint), so a fixture holds the digits the server sent.
      return redact(parseJson(text));
    } catch {
      return text;
    }
  }
  return text;
}

async function readBody(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ExchangeRecorder {
  /** The proxy's URL: put it where the backend block had the vendor's `baseUrl`. */
  url: string;
  /** Every exchange so far, in the order the answers came back. */
  readonly exchanges: readonly RecordedExchange[];
  /** Labels the exchanges that follow with a facet and test. */
  label(facet: string, test: string | null): void;
  close(): Promise<void>;
}

/** Starts a recording proxy on loopback in front of `upstream` (a vendor base URL). */
export async function startExchangeRecorder(upstream: string): Promise<ExchangeRecorder> {
  const exchanges: RecordedExchange[] = [];
  const base = new URL(upstream);
  const prefix = base.pathname.replace(/\/$/, '');
  let facet = '';
  let test: string | null = null;
  let facetStarted = performance.now();

  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const label = { facet, test, atMs: Math.round(performance.now() - facetStarted) };
      const body = await readBody(incoming);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value === undefined || name === 'host' || name === 'connection' || name === 'content-length' || name === 'transfer-encoding') continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const requestType = incoming.headers['content-type'];
      const recordedRequest: ExchangeRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        ...(requestType ? { contentType: requestType } : {}),
        credentials: CREDENTIAL_HEADERS.some((name) => incoming.headers[name] !== undefined),
        ...(body.length > 0 ? { body: parseBody(body.toString('utf8'), requestType) } : {}),
      };
      try {
        const answer = await undiciRequest(new URL(prefix + (incoming.url ?? '/'), base.origin), {
          method: (incoming.method ?? 'GET') as 'GET',
          headers,
          ...(body.length > 0 ? { body } : {}),
        });
        const answerBody = Buffer.from(await answer.body.arrayBuffer());
        const answerType = typeof answer.headers['content-type'] === 'string' ? answer.headers['content-type'] : undefined;
        exchanges.push({
          ...label,
          request: recordedRequest,
          response: { status: answer.statusCode, ...(answerType ? { contentType: answerType } : {}), ...(answerBody.length > 0 ? { body: parseBody(answerBody.toString('utf8'), answerType) } : {}) },
        });
        outgoing.writeHead(answer.statusCode, answerType ? { 'content-type': answerType } : {});
        outgoing.end(answerBody);
      } catch (error) {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`recorder: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    label(nextFacet, nextTest) {
      if (nextFacet !== facet) facetStarted = performance.now();
      facet = nextFacet;
      test = nextTest;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
