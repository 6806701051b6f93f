/**
 * A contract-faithful OpenIM server simulator (vendor note, baseline 3.8.3; 3.7 and 3.8.0 route
 * differences via `version`): POST-only routes, `operationID` and `token` header checks, admin
 * tokens as HS256 JWTs, the `{errCode, errMsg, errDlt, data}` envelope with HTTP 200 for every
 * business outcome, gin's plain 404 for unknown paths, and the quirks of the note (null lists,
 * capitalised keys, 500 on duplicate rows, 1004 for "no conversations"). `FakeControl` adds the
 * request log, the fault hook and `/__fake/*`.
 */
import express, { type Express, type Request, type Response } from 'express';
import { FakeControl, listen } from '../../../src/runtime/index.js';
import { OpenImFakeState, resolveOptions, type FakeOptions } from './fake-state.js';
import { verifyToken } from './jwt.js';
import { ROUTES, type RequestContext } from './routes.js';
import { FakeError, type Body } from './wire.js';

export type { FakeOptions } from './fake-state.js';
export { OpenImFakeState } from './fake-state.js';

export interface OpenImFake {
  app: Express;
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

function replyError(response: Response, error: FakeError): void {
  reply(response, { errCode: error.errCode, errMsg: error.errMsg, errDlt: error.errDlt });
}

export function createFake(options: FakeOptions = {}): OpenImFake {
  const resolved = resolveOptions(options);
  const state = new OpenImFakeState(resolved);
  const control = new FakeControl();
  const app = express();
  app.disable('x-powered-by');
  app.use(control.rawBody());
  app.use(control.middleware());
  app.use(control.router(() => state.snapshot(), () => state.reset()));

  app.use((request: Request, response: Response) => {
    const route = ROUTES.get(request.path);
    const version = resolved.version;
    // gin: unknown path (or a method it has no route for) is a plain-text 404.
    if (request.method !== 'POST' || !route || (route.available && !route.available(version))) {
      response.status(404).type('text/plain').send('404 page not found');
      return;
    }
    try {
      // operationID is checked before the token (note §2).
      const operationId = request.header('operationID');
      if (operationId === undefined || operationId === '') throw new FakeError(1001, 'header must have operationID');
      const now = resolved.now();
      let opUserID = '';
      if (!route.noToken?.(version)) {
        const token = request.header('token');
        if (token === undefined || token === '') throw new FakeError(1001, 'header must have token');
        const claims = verifyToken(token, resolved.secret, Math.floor(now / 1000));
        opUserID = claims.UserID;
        if (!state.isAdmin(claims.UserID)) {
          // User tokens live in Redis: unknown → 1507, replaced by a newer login → 1506.
          const stored = state.userTokens.get(token);
          if (!stored) throw new FakeError(1507, 'token not exist');
          if (stored.state === 1) throw new FakeError(1506, 'token kicked');
        }
      }
      let body: Body;
      const raw = typeof request.body === 'string' ? request.body : '';
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          const text = `json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type struct`;
          throw new FakeError(1001, text, text);
        }
        body = parsed as Body;
      } catch (error) {
        if (error instanceof FakeError) throw error;
        const text = raw.trim() === '' ? 'EOF' : (error as Error).message;
        throw new FakeError(1001, text, text);
      }
      const context: RequestContext = { state, opUserID, opIsAdmin: state.isAdmin(opUserID), body, now };
      const data = route.handler(context);
      // A write's success carries no data key at all (note §3).
      reply(response, data === undefined ? { errCode: 0, errMsg: '', errDlt: '' } : { errCode: 0, errMsg: '', errDlt: '', data });
    } catch (error) {
      if (error instanceof FakeError) replyError(response, error);
      else replyError(response, new FakeError(500, error instanceof Error ? error.message : String(error)));
    }
  });

  return {
    app,
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
export async function startFake(options: FakeOptions & { port?: number; host?: string } = {}): Promise<RunningOpenImFake> {
  const fake = createFake(options);
  const server = await listen(fake.app, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    app: fake.app,
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
