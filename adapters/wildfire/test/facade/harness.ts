/**
 * Set-up of the Wildfire facade tests: the Wildfire fake called directly, and imbridge serving
 * `/compat/wildfire` over a native memory backend or over the OpenIM fake through its adapter,
 * optionally with a Wildfire fake as pass-through upstream; every log line goes to a buffer.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { findVendor } from '../../../index.js';
import type { RunningFake } from '../../../../src/vendor-kit/index.js';
import { createBackend as createWildfireBackend, type WildfireConfig } from '../../backend/index.js';
import { startFake as startWildfireFake, type RunningWildfireFake } from '../../fake/index.js';
import { signedHeaders } from '../../protocol/wire.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { parseJson } from '../../../../src/runtime/index.js';
import { createLogger } from '../../../../src/server/create-logger.js';
import { startServer, type RunningImbridge } from '../../../../src/server/start-server.js';
import type { Backend, BackendContext } from '../../../../src/spec/index.js';

export type Edition = 'community' | 'pro';

export interface WireAnswer {
  status: number;
  contentType: string | null;
  text: string;
  /** The body parsed losslessly (int64 as bigint); undefined when it is not JSON. */
  json: unknown;
}

/** A place that speaks Wildfire: `url` + `/admin/...`, signed with `secret`. */
export interface WildfireTarget {
  name: string;
  url: string;
  secret: string;
  close(): Promise<void>;
}

export function rid(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** One admin call as a Wildfire SDK makes it: POST, JSON, freshly signed unless `headers` says otherwise. */
export async function wildfireCall(
  url: string,
  path: string,
  body: unknown,
  options: { secret: string; headers?: Record<string, string>; method?: string },
): Promise<WireAnswer> {
  const method = options.method ?? 'POST';
  const response = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8', ...(options.headers ?? signedHeaders(options.secret)) },
    ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : parseJson(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json };
}

export interface LogBuffer {
  lines: string[];
  text(): string;
}

export function logBuffer(): LogBuffer & { stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream, text: () => lines.join('') };
}

function context(name: string, logger: BackendContext['logger']): BackendContext {
  return { name, logger, changes: { emit: () => undefined }, now: Date.now };
}

const QUICK_RETRY = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 500 };

export async function startDirectFake(edition: Edition): Promise<WildfireTarget & { fake: RunningWildfireFake }> {
  const fake = await startWildfireFake({ port: 0, edition, secret: `wf-app-${randomUUID()}` });
  return { name: 'wildfire fake', url: fake.url, secret: fake.secret, fake, close: () => fake.close() };
}

export interface FacadeOptions {
  edition: Edition;
  /** Which backend holds the data: native (memory), or any bundled vendor on its fake. */
  data: string;
  /** A Wildfire fake to pass untranslated routes to (its own secret, not the facade's). */
  upstream?: RunningWildfireFake;
  upstreamTimeoutMs?: number;
  /** Point the upstream at this URL instead (a closed port: an upstream that is down). */
  upstreamUrl?: string;
  logLevel?: string;
}

export interface FacadeTarget extends WildfireTarget {
  server: RunningImbridge;
  logs: LogBuffer;
  /** The fake under the data backend, when it is a vendor. */
  dataFake?: RunningFake;
}

/**
 * imbridge with `/compat/wildfire` over the chosen backend. The backends are built here and
 * handed over as `provided` (the server's own dynamic adapter import fails under vitest's import
 * helper); their config blocks still go through the config schema.
 */
export async function startFacade(options: FacadeOptions): Promise<FacadeTarget> {
  const logs = logBuffer();
  const logger = createLogger(options.logLevel ?? 'debug', logs.stream);
  const backendLogger = (name: string) => logger.child({ backend: name }) as unknown as BackendContext['logger'];
  const secret = `facade-${randomUUID()}`;
  const backends: Record<string, Record<string, unknown>> = {};
  const provided = new Map<string, Backend>();
  let dataFake: RunningFake | undefined;
  if (options.data === 'native') {
    backends.data = { vendor: 'native', store: { driver: 'memory' } };
    provided.set('data', await findVendor('native')!.createBackend({ vendor: 'native', store: { driver: 'memory' } }, context('data', backendLogger('data'))));
  } else {
    const vendor = findVendor(options.data)!;
    dataFake = await vendor.fake!.start({ port: 0 });
    const block = { ...dataFake.backendConfig, vendor: vendor.name, timeoutMs: 2_000, retry: QUICK_RETRY };
    backends.data = block;
    provided.set('data', await vendor.createBackend(block, context('data', backendLogger('data'))));
  }
  const compat: Record<string, unknown> = { backend: 'data', secret, edition: options.edition };
  if (options.upstream) {
    const block = { ...options.upstream.backendConfig, ...(options.upstreamUrl ? { baseUrl: options.upstreamUrl } : {}), timeoutMs: 1_000, retry: QUICK_RETRY };
    backends.upstream = block;
    provided.set('upstream', await createWildfireBackend(block as unknown as WildfireConfig, context('upstream', backendLogger('upstream'))));
    compat.upstream = 'upstream';
    if (options.upstreamTimeoutMs !== undefined) compat.timeoutMs = options.upstreamTimeoutMs;
  }
  const config = validateConfig({ server: { host: '127.0.0.1', port: 0 }, defaultBackend: 'data', backends, compat: { wildfire: compat } }, {});
  const server = await startServer(config, { logger, provided });
  return {
    name: `facade on ${options.data}`,
    url: `${server.url}/compat/wildfire`,
    secret,
    server,
    logs,
    ...(dataFake ? { dataFake } : {}),
    close: async () => {
      await server.close();
      await dataFake?.close();
    },
  };
}
