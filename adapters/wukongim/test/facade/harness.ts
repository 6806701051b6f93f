/**
 * Targets for the WuKongIM facade tests: the WuKongIM fake itself, and imbridge serving
 * `/compat/wukongim` on the native backend (memory store) or on the OpenIM fake through the OpenIM
 * adapter — each speaking WuKongIM's wire format — and a replay helper that records answers.
 */
import { randomBytes } from 'node:crypto';
import { startFake as startWukongimFake, type RunningWukongimFake } from '../../fake/index.js';
import { findVendor } from '../../../index.js';
import { serveImbridge } from '../../../../src/conformance/index.js';
import { parseJson } from '../../../../src/runtime/index.js';
import type { RunningImbridge } from '../../../../src/server/start-server.js';

export const FACADE_TOKEN = `facade-${randomBytes(6).toString('hex')}`;

export interface VendorTarget {
  name: string;
  /** Where WuKongIM's routes live (`…/compat/wukongim` for a facade). */
  baseUrl: string;
  /** The `token` header this target accepts. */
  token: string;
  close(): Promise<void>;
}

export interface VendorCall {
  method: 'GET' | 'POST';
  path: string;
  /** A JSON value, or a raw string sent as it is (bad input). */
  body?: unknown;
  /** `wrong`: a wrong token; `none`: no token header. */
  auth?: 'wrong' | 'none';
}

export interface VendorAnswer {
  status: number;
  /** The raw body text. */
  text: string;
  /** The body parsed losslessly (bigints for ids above 2^53); the text when not JSON; null when empty. */
  body: unknown;
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

export async function call(target: VendorTarget, request: VendorCall, headers: Record<string, string> = {}): Promise<VendorAnswer> {
  const sent: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (request.auth === undefined) sent.token = target.token;
  else if (request.auth === 'wrong') sent.token = `${target.token}-wrong`;
  const init: RequestInit = { method: request.method, headers: sent };
  if (request.body !== undefined) init.body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const response = await fetch(`${target.baseUrl}${request.path}`, init);
  const text = await response.text();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = parseJson(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, text, body };
}

export async function wukongimFakeTarget(): Promise<VendorTarget & { fake: RunningWukongimFake }> {
  // Conversations stored at once: the differential compares answer shapes; the flush cache that
  // loses early deletes (audit W1) has its own tests, and the facade does not reproduce it.
  const fake = await startWukongimFake({ port: 0, conversationSyncIntervalMs: 1 });
  return { name: 'wukongim fake', baseUrl: fake.url, token: fake.options.managerToken, fake, close: () => fake.close() };
}

export async function facadeTarget(
  name: string,
  backends: Record<string, Record<string, unknown>>,
  backend: string,
  extra: Record<string, unknown> = {},
  closeAlso: () => Promise<void> = async () => {},
): Promise<VendorTarget & { server: RunningImbridge }> {
  const server = await serveImbridge({ defaultBackend: backend, backends, compat: { wukongim: { backend, token: FACADE_TOKEN, ...extra } } });
  return {
    name,
    baseUrl: `${server.url}/compat/wukongim`,
    token: FACADE_TOKEN,
    server,
    close: async () => {
      await server.close();
      await closeAlso();
    },
  };
}

export function nativeFacadeTarget(): Promise<VendorTarget & { server: RunningImbridge }> {
  return facadeTarget('facade on native', { local: { vendor: 'native', store: { driver: 'memory' } } }, 'local');
}

export async function openImFacadeTarget(): Promise<VendorTarget & { server: RunningImbridge }> {
  const fake = await findVendor('openim')!.fake!.start({ port: 0 });
  return facadeTarget('facade on OpenIM', { oim: { ...fake.backendConfig, timeoutMs: 3_000 } }, 'oim', {}, () => fake.close());
}
