/**
 * A contract-faithful OpenIM server simulator (vendor note, baseline 3.8.3; 3.7 and 3.8.0 route
 * differences via `version`): POST-only routes, `operationID` and `token` header checks, admin
 * tokens as HS256 JWTs, the `{errCode, errMsg, errDlt, data}` envelope with HTTP 200 for every
 * business outcome, gin's plain 404 for unknown paths, and the quirks of the note (null lists,
 * capitalised keys, 500 on duplicate rows, 1004 for "no conversations"). `FakeControl` adds the
 * request log, the fault hook and `/__fake/*`.
 */
import express, { type Express, type Request, type Response } from 'express';
import { CallbackEmitter, FakeControl, listen } from '../../../src/testing/index.js';
import { openImCallbacks } from './callbacks.js';
import { OpenImFakeState, resolveOptions, type FakeOptions } from './fake-state.js';
import { verifyToken } from '../protocol/jwt.js';
import { ROUTES, type RequestContext } from './routes.js';
import { WireError, decodeBody, errorEnvelope, requiredHeaders, successEnvelope, type Body } from '../protocol/wire.js';

export type { FakeOptions } from './fake-state.js';
export { OpenImFakeState } from './fake-state.js';

export interface OpenImFake {
  app: Express;
  /** The after-hooks this fake sends; set `callbacks.url` to turn them on. */
  callbacks: CallbackEmitter;
  state: OpenImFakeState;
  control: FakeControl;
  /** The config block that reaches this fake at `baseUrl`. */
  backendConfig(baseUrl: string): Record<string, unknown>;
  close(): Promise<void>;
}

export interface RunningOpenImFake extends Omit<OpenImFake, 'backendConfig'> {
  url: string;
  port: number;
  /** The block to put under `backends:` in the config to reach this fake. */
  backendConfig: Record<string, unknown>;
}

function reply(response: Response, body: Body): void {
  response.status(200).type('application/json').send(JSON.stringify(body));
}

function replyError(response: Response, error: WireError): void {
  reply(response, errorEnvelope(error));
}

/** `webhooks.yml url`: where the fake sends its after-hooks (none when absent; settable later on `callbacks.url`). */
export interface CallbackOptions {
  callbackUrl?: string;
}

export function createFake(options: FakeOptions & CallbackOptions = {}): OpenImFake {
  const resolved = resolveOptions(options);
  const state = new OpenImFakeState(resolved);
  const control = new FakeControl();
  const app = express();
  app.disable('x-powered-by');
  app.use(control.rawBody());
  app.use(control.middleware());
  app.use(control.router(() => state.snapshot(), () => state.reset()));
  const callbacks = new CallbackEmitter(options.callbackUrl);
  app.use(callbacks.tap(openImCallbacks));

  app.use((request: Request, response: Response) => {
    const route = ROUTES.get(request.path);
    const version = resolved.version;
    // gin: unknown path (or a method it has no route for) is a plain-text 404.
    if (request.method !== 'POST' || !route || (route.available && !route.available(version))) {
      response.status(404).type('text/plain').send('404 page not found');
      return;
    }
    try {
      const now = resolved.now();
      let opUserID = '';
      const token = requiredHeaders((name) => request.header(name), !route.noToken?.(version));
      if (token !== null) {
        const claims = verifyToken(token, resolved.secret, Math.floor(now / 1000));
        opUserID = claims.UserID;
        if (!state.isAdmin(claims.UserID)) {
          // User tokens live in Redis: unknown → 1507, replaced by a newer login → 1506.
          const stored = state.userTokens.get(token);
          if (!stored) throw new WireError(1507, 'token not exist');
          if (stored.state === 1) throw new WireError(1506, 'token kicked');
        }
      }
      const body = decodeBody(typeof request.body === 'string' ? request.body : '');
      const context: RequestContext = { state, opUserID, opIsAdmin: state.isAdmin(opUserID), body, now };
      const data = route.handler(context);
      reply(response, successEnvelope(data));
    } catch (error) {
      if (error instanceof WireError) replyError(response, error);
      else replyError(response, new WireError(500, error instanceof Error ? error.message : String(error)));
    }
  });

  return {
    app,
    callbacks,
    state,
    control,
    backendConfig: (baseUrl) => ({
      vendor: 'openim',
      baseUrl,
      adminUserId: resolved.adminUserIds[0] ?? 'imAdmin',
      secret: resolved.secret,
      version: resolved.version,
      friendVerify: resolved.friendVerify,
    }),
    close: async () => {
      control.releaseHanging();
    },
  };
}

/** Runs the fake on `port` (0 = any free port); `backendConfig` points at it. */
export async function startFake(options: FakeOptions & CallbackOptions & { port?: number; host?: string } = {}): Promise<RunningOpenImFake> {
  const fake = createFake(options);
  const server = await listen(fake.app, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    app: fake.app,
    callbacks: fake.callbacks,
    state: fake.state,
    control: fake.control,
    url: server.url,
    port: server.port,
    backendConfig: fake.backendConfig(server.url),
    close: async () => {
      fake.control.releaseHanging();
      await server.close();
    },
  };
}
