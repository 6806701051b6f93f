/**
 * Targets for the Agora compat tests: the Agora fake itself, and imbridge serving
 * `/compat/agora` over a chosen backend (native memory store, the WuKongIM fake through its
 * adapter, …), optionally with the Agora fake as pass-through upstream. The facade is configured
 * with the fake's own App Key, App ID and certificate: an app moving over changes its base URL only.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import agoraToken from 'agora-token';
import { serveImbridge } from '../../../../src/conformance/index.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { createLogger } from '../../../../src/server/create-logger.js';
import { startServer, type RunningImbridge } from '../../../../src/server/start-server.js';
import { DEFAULT_FAKE_CREDENTIALS, startFake, type RunningAgoraFake } from '../../fake/index.js';
import { findVendor } from '../../../index.js';
import type { RunningFake } from '../../../../src/vendor-kit/index.js';

const { ChatTokenBuilder } = agoraToken;

export const CREDENTIALS = DEFAULT_FAKE_CREDENTIALS;
export const PREFIX = `/${CREDENTIALS.orgName}/${CREDENTIALS.appName}`;

/** The app token an app builds with the App ID and certificate it already has. */
export function appToken(appId = CREDENTIALS.appId, certificate = CREDENTIALS.appCertificate, ttlSeconds = 3600): string {
  return ChatTokenBuilder.buildAppToken(appId, certificate, ttlSeconds);
}

export function userToken(user: string): string {
  return ChatTokenBuilder.buildUserToken(CREDENTIALS.appId, CREDENTIALS.appCertificate, user, 3600);
}

export function randomHex(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

export interface Target {
  name: string;
  /** Base URL up to (not including) the app prefix. */
  base: string;
  close(): Promise<void>;
}

export async function fakeTarget(): Promise<Target & { fake: RunningAgoraFake }> {
  const fake = await startFake({ port: 0 });
  return { name: 'agora fake', base: fake.url, fake, close: () => fake.close() };
}

export interface FacadeOptions {
  /** The `backends:` entry holding the data. */
  backend: Record<string, unknown>;
  /** An Agora backend block to pass through to. */
  upstream?: Record<string, unknown>;
  compat?: Record<string, unknown>;
  /** Collects the server's log lines (level from IMBRIDGE_TEST_LOG, default debug). */
  logSink?: string[];
}

export function facadeConfig(options: FacadeOptions): Record<string, unknown> {
  return {
    defaultBackend: 'data',
    backends: { data: options.backend, ...(options.upstream ? { upstream: options.upstream } : {}) },
    compat: {
      agora: {
        backend: 'data',
        ...(options.upstream ? { upstream: 'upstream' } : {}),
        orgName: CREDENTIALS.orgName,
        appName: CREDENTIALS.appName,
        appId: CREDENTIALS.appId,
        appCertificate: CREDENTIALS.appCertificate,
        ...options.compat,
      },
    },
  };
}

export async function serveFacade(options: FacadeOptions): Promise<RunningImbridge> {
  const config = facadeConfig(options);
  if (!options.logSink) return serveImbridge(config);
  const sink = options.logSink;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.push(chunk.toString('utf8'));
      done();
    },
  });
  const validated = validateConfig({ ...config, server: { host: '127.0.0.1', port: 0 } }, {});
  return startServer(validated, { logger: createLogger(process.env.IMBRIDGE_TEST_LOG ?? 'debug', destination) });
}

export const NATIVE_BACKEND = { vendor: 'native', store: { driver: 'memory' } };

export async function nativeFacadeTarget(): Promise<Target & { server: RunningImbridge }> {
  const server = await serveFacade({ backend: NATIVE_BACKEND });
  return { name: 'facade over native', base: `${server.url}/compat/agora`, server, close: () => server.close() };
}

export async function wukongimFacadeTarget(): Promise<Target & { server: RunningImbridge; wukongim: RunningFake }> {
  const wukongim = await findVendor('wukongim')!.fake!.start({ port: 0 });
  const server = await serveFacade({ backend: { ...wukongim.backendConfig, timeoutMs: 2000 } });
  return {
    name: 'facade over wukongim',
    base: `${server.url}/compat/agora`,
    server,
    wukongim,
    close: async () => {
      await server.close();
      await wukongim.close();
    },
  };
}

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
  text: string;
}

export interface CallOptions {
  method: string;
  /** Path from the app prefix on (`/users/u1`), or with `prefix: false` the whole path. */
  path: string;
  body?: unknown;
  /** Sent as is (bad JSON, another content type). */
  raw?: string;
  contentType?: string;
  /** Authorization header value; null = none. Default: a valid app token. */
  authorization?: string | null;
  prefix?: string | false;
  headers?: Record<string, string>;
}

export async function call(target: Pick<Target, 'base'>, options: CallOptions): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const authorization = options.authorization === undefined ? `Bearer ${appToken()}` : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const prefix = options.prefix === false ? '' : (options.prefix ?? PREFIX);
  const response = await fetch(`${target.base}${prefix}${options.path}`, { method: options.method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body, headers: response.headers, text };
}
