/**
 * Targets speaking OpenIM's wire format: the OpenIM fake itself, and imbridge's `/compat/openim`
 * over a configured backend (native memory store, or another vendor's fake through its adapter).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { startFake as startOpenImFake, type RunningOpenImFake } from '../../fake/index.js';
import { findVendor } from '../../../index.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { createLogger } from '../../../../src/server/create-logger.js';
import { startServer, type RunningImbridge } from '../../../../src/server/start-server.js';

/** The secret the OpenIM fake uses by default; the facades are configured with the same one so one script fits all. */
export const SECRET = 'openIM123';

export interface OpenImAnswer {
  status: number;
  /** Parsed JSON, or the text when the answer is not JSON (gin's 404). */
  body: unknown;
  text: string;
}

export interface Target {
  name: string;
  /** Base URL that OpenIM routes are appended to. */
  baseUrl: string;
  call(path: string, body: unknown, headers?: Record<string, string>): Promise<OpenImAnswer>;
  close(): Promise<void>;
}

/** A random suffix valid in OpenIM ids (letters, digits, `_`). */
export const randomSuffix = (): string => randomBytes(4).toString('hex');

export async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<OpenImAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // gin's plain-text 404 stays text.
  }
  return { status: response.status, body: parsed, text };
}

function target(name: string, baseUrl: string, close: () => Promise<void>): Target {
  return { name, baseUrl, call: (path, body, headers) => post(baseUrl, path, body, headers), close };
}

export async function openImFakeTarget(): Promise<Target & { fake: RunningOpenImFake }> {
  const fake = await startOpenImFake({ port: 0 });
  return { ...target('openim fake', fake.url, () => fake.close()), fake };
}

export interface ImbridgeOptions {
  backends: Record<string, Record<string, unknown>>;
  backend: string;
  upstream?: string;
  timeoutMs?: number;
  /** Collects every log line imbridge writes. */
  logs?: string[];
}

export async function startImbridge(options: ImbridgeOptions): Promise<RunningImbridge> {
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port: 0, logLevel: 'debug' },
      defaultBackend: options.backend,
      backends: options.backends,
      compat: {
        openim: { backend: options.backend, secret: SECRET, ...(options.upstream ? { upstream: options.upstream } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
      },
    },
    {},
  );
  const lines = options.logs;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines?.push(chunk.toString('utf8'));
      done();
    },
  });
  return startServer(config, { logger: createLogger(lines ? 'trace' : 'silent', destination) });
}

export async function nativeFacadeTarget(): Promise<Target> {
  const imbridge = await startImbridge({ backends: { mem: { vendor: 'native', store: { driver: 'memory' } } }, backend: 'mem' });
  return target('facade over native', `${imbridge.url}/compat/openim`, () => imbridge.close());
}

export async function wildfireFacadeTarget(): Promise<Target> {
  const fake = await findVendor('wildfire')!.fake!.start({ port: 0, edition: 'pro' });
  const imbridge = await startImbridge({ backends: { wf: { ...fake.backendConfig, timeoutMs: 2_000 } }, backend: 'wf' });
  return target('facade over wildfire(pro)', `${imbridge.url}/compat/openim`, async () => {
    await imbridge.close();
    await fake.close();
  });
}

/** A fresh admin token from the target's own `/auth/get_admin_token`. */
export async function adminToken(target: Target): Promise<string> {
  const answer = await target.call('/auth/get_admin_token', { secret: SECRET, userID: 'imAdmin' }, { operationID: 'op-token' });
  const token = (answer.body as { data?: { token?: string } }).data?.token;
  if (!token) throw new Error(`${target.name}: no admin token: ${answer.text}`);
  return token;
}
