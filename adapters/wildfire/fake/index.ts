/**
 * A contract-faithful fake of the Wildfire IM admin API (vendor note `vendors/wildfire.md`): its
 * routes (all POST, `GET /admin/health`), the pre-check order of AdminAction (rate limit → 250,
 * missing/bad signature headers → 239, timestamp older than 2 h → 243, wrong sign → 244, each in the
 * nested envelope), the `{code, msg, result}` envelope on HTTP 200, HTTP 500 with an empty body for
 * unrouted admin paths and pro-only paths on a community server, HTTP 500 with the exception text
 * for malformed bodies, and the state quirks of §5–§9. FakeControl adds the request log, the fault
 * hook and the `/__fake/*` routes.
 */
import { createHash } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { FakeControl, listen, parseJson, stringifyJson } from '../../../src/runtime/index.js';
import type { WildfireEdition } from '../capabilities.js';
import { WildfireFakeState } from './fake-state.js';
import { ERROR_TEXT, JavaException, buildRoutes, type Answer, type Json } from './routes.js';

export interface WildfireFakeOptions {
  /** `http.admin.secret_key`; the server's default is `123456`. */
  secret?: string;
  /** Which edition to simulate; pro-only paths answer HTTP 500 on `community` (default). */
  edition?: WildfireEdition;
  /** `http.admin.no_check_time` (default false, as in the release config): skip the 2-hour check. */
  noCheckTime?: boolean;
  /** `http.admin.rate_limit`: admin calls per 10 s, one global bucket (default 10000). */
  rateLimit?: number;
  /** `friend.disable_friend_request` (default false). */
  disableFriendRequest?: boolean;
  /** `friend.repeat_request_duration` in ms (default 7 days). */
  repeatRequestDurationMs?: number;
  /** `friend.reject_request_duration` in ms (default 7 days). */
  rejectRequestDurationMs?: number;
  /** The server's clock (tests may move it). */
  now?: () => number;
}

export interface WildfireFake {
  app: Express;
  state: WildfireFakeState;
  control: FakeControl;
  edition: WildfireEdition;
  secret: string;
  close(): Promise<void>;
}

export interface RunningWildfireFake extends WildfireFake {
  url: string;
  port: number;
  /** The block to put under `backends:` to reach this fake. */
  backendConfig: Record<string, unknown>;
}

const SIGN_WINDOW_MS = 7_200_000;
const RATE_WINDOW_MS = 10_000;
const JAVA_LONG_MAX = 9_223_372_036_854_775_807n;
const JAVA_LONG_MIN = -9_223_372_036_854_775_808n;

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendEnvelope(response: Response, answer: Answer): void {
  response.status(200);
  response.setHeader('Content-Type', 'application/json;charset=utf-8');
  // The server adds this non-standard header (§1); undici and browsers ignore the unknown coding.
  response.setHeader('Content-Encoding', 'utf-8');
  // Gson omits null fields; field order code, msg, result.
  const body: Json = { code: answer.code };
  if (answer.msg !== undefined) body.msg = answer.msg;
  if (answer.result !== undefined) body.result = answer.result;
  // end(), not send(): express would rewrite the content type to `application/json; charset=utf-8`.
  response.end(stringifyJson(body));
}

/** Pre-check failures carry the envelope nested inside `result` too (§3). */
function sendPrecheckError(response: Response, code: number): void {
  const msg = ERROR_TEXT[code] ?? 'server error';
  sendEnvelope(response, { code, msg, result: { code, msg } });
}

function sendJavaException(response: Response, text: string): void {
  response.status(500);
  response.setHeader('Content-Type', 'text/plain;charset=utf-8');
  response.setHeader('Connection', 'close');
  response.send(text);
}

export function createFake(options: WildfireFakeOptions = {}): WildfireFake {
  const secret = options.secret ?? '123456';
  const edition = options.edition ?? 'community';
  const now = options.now ?? Date.now;
  const rateLimit = options.rateLimit ?? 10_000;
  const state = new WildfireFakeState();
  const control = new FakeControl();
  const routes = buildRoutes(state, {
    now,
    disableFriendRequest: options.disableFriendRequest ?? false,
    repeatRequestDurationMs: options.repeatRequestDurationMs ?? 7 * 24 * 3_600_000,
    rejectRequestDurationMs: options.rejectRequestDurationMs ?? 7 * 24 * 3_600_000,
  });
  let windowStart = 0;
  let windowCount = 0;
  const overFrequency = (): boolean => {
    const at = now();
    if (at - windowStart >= RATE_WINDOW_MS) {
      windowStart = at;
      windowCount = 0;
    }
    windowCount += 1;
    return windowCount > rateLimit;
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(control.rawBody());
  app.use(control.middleware());
  app.use(
    control.router(
      () => state.snapshot(),
      () => state.reset(),
    ),
  );

  app.use((request: Request, response: Response) => {
    const path = request.path;
    if (!path.startsWith('/admin/')) {
      response.status(404).end();
      return;
    }
    const isHealth = path === '/admin/health';
    const route = routes.get(path);
    const routed = isHealth ? request.method === 'GET' : route !== undefined && request.method === 'POST' && (!route.pro || edition === 'pro');
    // No handler in this edition, or the wrong method: HTTP 500, empty body, no signature check.
    if (!routed) {
      response.status(500).end();
      return;
    }
    if (overFrequency()) return sendPrecheckError(response, 250);
    if (isHealth) {
      return sendEnvelope(response, {
        code: 0,
        msg: 'success',
        result: [{ node: 1, cpu: { cores: 2, load: 0.1 }, memory: { free: 1, max: 2, avail: 1 }, disk: { space: 10, free: 5, usable: 5 } }],
      });
    }
    const nonce = header(request, 'nonce');
    const timestamp = header(request, 'timestamp');
    const sign = header(request, 'sign');
    if (!nonce || !timestamp || !sign) return sendPrecheckError(response, 239);
    if (!/^[+-]?\d+$/.test(timestamp) || BigInt(timestamp) > JAVA_LONG_MAX || BigInt(timestamp) < JAVA_LONG_MIN) {
      return sendPrecheckError(response, 239);
    }
    // Only past timestamps are refused; the future is accepted, and there is no nonce cache (§2).
    if (!options.noCheckTime && BigInt(now()) - BigInt(timestamp) > BigInt(SIGN_WINDOW_MS)) return sendPrecheckError(response, 243);
    const expected = createHash('sha1').update(`${nonce}|${secret}|${timestamp}`, 'utf8').digest('hex');
    if (sign !== expected) return sendPrecheckError(response, 244);

    const raw = typeof request.body === 'string' ? request.body : '';
    let body: unknown;
    try {
      body = raw.trim() === '' ? null : parseJson(raw);
    } catch (error) {
      return sendJavaException(response, `com.google.gson.JsonSyntaxException: ${error instanceof Error ? error.message : 'malformed JSON'}`);
    }
    if (body === null) return sendJavaException(response, 'java.lang.NullPointerException');
    if (typeof body !== 'object' || Array.isArray(body)) {
      return sendJavaException(response, 'com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Expected BEGIN_OBJECT');
    }
    try {
      sendEnvelope(response, route!.run(body as Json));
    } catch (error) {
      if (error instanceof JavaException) return sendJavaException(response, error.message);
      throw error;
    }
  });

  return {
    app,
    state,
    control,
    edition,
    secret,
    close: async () => {
      control.releaseHanging();
    },
  };
}

/** Starts the fake on `host:port` (port 0 = any free port); `imbridge fake wildfire` runs this. */
export async function startFake(options: WildfireFakeOptions & { port?: number; host?: string } = {}): Promise<RunningWildfireFake> {
  // `imbridge fake wildfire` passes only port and host; the edition and secret may come from the environment.
  const fromEnvironment: WildfireFakeOptions = {};
  const edition = process.env.IMBRIDGE_WILDFIRE_EDITION;
  if (edition === 'community' || edition === 'pro') fromEnvironment.edition = edition;
  if (process.env.IMBRIDGE_WILDFIRE_SECRET) fromEnvironment.secret = process.env.IMBRIDGE_WILDFIRE_SECRET;
  const fake = createFake({ ...fromEnvironment, ...options });
  const server = await listen(fake.app, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    ...fake,
    url: server.url,
    port: server.port,
    backendConfig: { vendor: 'wildfire', baseUrl: server.url, secret: fake.secret, edition: fake.edition },
    close: async () => {
      fake.control.releaseHanging();
      await server.close();
    },
  };
}
