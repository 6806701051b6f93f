/**
 * A contract-faithful fake of the Wildfire IM admin API (vendor note `adapters/wildfire/NOTES.md`): its
 * routes (all POST, `GET /admin/health`), the pre-check order of AdminAction (rate limit → 250,
 * missing/bad signature headers → 239, timestamp older than 2 h → 243, wrong sign → 244, each in the
 * nested envelope), the `{code, msg, result}` envelope on HTTP 200, HTTP 500 with an empty body for
 * unrouted admin paths and pro-only paths on a community server, HTTP 500 with the exception text
 * for malformed bodies, and the state quirks of §5–§9. FakeControl adds the request log, the fault
 * hook and the `/__fake/*` routes.
 */
import express, { type Express, type Request, type Response } from 'express';
import { parseJson } from '../../../src/runtime/index.js';
import { CallbackEmitter, FakeControl, listen } from '../../../src/testing/index.js';
import { wildfireCallbacks } from './callbacks.js';
import type { WildfireEdition } from '../protocol/wire.js';
import { JavaException, checkSignature, parseBody, sendEnvelope, sendJavaException, sendNoHandler, sendPrecheckError, type Json } from '../protocol/wire.js';
import { WildfireFakeState } from './fake-state.js';
import { buildRoutes } from './routes.js';

export interface WildfireFakeOptions {
  /** Where the fake sends its event callbacks (none when absent; settable later on `callbacks.url`). */
  callbackUrl?: string;
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
  /** `friend.reject_request_duration` in ms (default 30 days, the shipped wildfirechat.conf). */
  rejectRequestDurationMs?: number;
  /** The server's clock (tests may move it). */
  now?: () => number;
}

export interface WildfireFake {
  app: Express;
  /** The event callbacks this fake sends; set `callbacks.url` to turn them on. */
  callbacks: CallbackEmitter;
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

const RATE_WINDOW_MS = 10_000;

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
    rejectRequestDurationMs: options.rejectRequestDurationMs ?? 30 * 24 * 3_600_000,
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
  const callbacks = new CallbackEmitter(options.callbackUrl);
  app.use(callbacks.tap(wildfireCallbacks));
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
    if (!routed) return sendNoHandler(response);
    if (overFrequency()) return sendPrecheckError(response, 250);
    if (isHealth) {
      return sendEnvelope(response, {
        code: 0,
        msg: 'success',
        result: [{ node: 1, cpu: { cores: 2, load: 0.1 }, memory: { free: 1, max: 2, avail: 1 }, disk: { space: 10, free: 5, usable: 5 } }],
      });
    }
    const signature = checkSignature(request.headers, { secret, now, noCheckTime: options.noCheckTime ?? false });
    if (signature !== 0) return sendPrecheckError(response, signature);

    let body: Json;
    try {
      body = parseBody(typeof request.body === 'string' ? request.body : '', parseJson);
    } catch (error) {
      if (error instanceof JavaException) return sendJavaException(response, error.message);
      throw error;
    }
    try {
      sendEnvelope(response, route!.run(body));
    } catch (error) {
      if (error instanceof JavaException) return sendJavaException(response, error.message);
      throw error;
    }
  });

  return {
    app,
    callbacks,
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
