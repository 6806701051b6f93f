/**
 * Whether a facade's pass-through lane (the decision taken before express, src/http/mount-compat.ts)
 * agrees with its router. The lane must never forward what the router would not: a request the
 * router translates, refuses, or answers with its fallback would otherwise reach the vendor under
 * imbridge's upstream credentials. Each probe goes through the facade's own router in express with
 * a recording upstream behind it, and the lane's verdict on the same raw request is kept beside
 * what the router did.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { Pool } from 'undici';
import type { CompatConfig, Facade, FacadeFactory, LaneUrl } from '../../src/facade-kit/index.js';

export interface Probe {
  method: string;
  /** Facade-relative URL, query included. */
  url: string;
  headers: Record<string, string>;
}

export interface ProbeResult {
  probe: Probe;
  /** What the lane would forward, or null. */
  lane: string | null;
  /** The URL the router forwarded upstream (below the upstream's prefix), or null when it answered itself. */
  router: string | null;
  status: number;
}

const UPSTREAM_PREFIX = '/upstream-prefix';

function split(url: string): LaneUrl {
  const mark = url.indexOf('?');
  return mark === -1 ? { pathname: url, search: '' } : { pathname: url.slice(0, mark), search: url.slice(mark) };
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Every route path of the facade's router (nested routers included), its parameters filled in. */
export function routePaths(createFacade: FacadeFactory, config: CompatConfig): string[] {
  const { router } = createFacade({ vendor: 'probe', config, backendFor: () => undefined, upstream: null, logger: pino({ level: 'silent' }) });
  const paths: string[] = [];
  const walk = (handle: unknown) => {
    for (const layer of ((handle as { stack?: unknown[] }).stack ?? []) as Array<{ route?: { path: unknown }; handle: unknown }>) {
      if (layer.route) for (const path of [layer.route.path].flat()) if (typeof path === 'string') paths.push(path.replace(/:(\w+)/g, 'p-$1').replace(/\*(\w+)/g, 'a/b').replace(/[{}]/g, ''));
      walk(layer.handle);
    }
  };
  walk(router);
  return [...new Set(paths)];
}

/** The same path spelled the ways a client might: other case, trailing slash, a query, doubled or encoded slashes. */
export function spellings(path: string): string[] {
  const encoded = path.replace(/(.)\/([^/]*)$/, '$1%2F$2');
  return [...new Set([path, path.toUpperCase(), `${path}/`, `${path}?limit=1`, `/${path}`, encoded, `${path}%zz`])];
}

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/**
 * Every method on every spelling of the translated paths (and on the unmapped ones) with the
 * right credential, and on the plain paths with each wrong one; `prefix` comes before each path.
 */
export function crossProbes(translated: readonly string[], unmapped: readonly string[], right: Record<string, string>, wrong: ReadonlyArray<Record<string, string>>, prefix = ''): Probe[] {
  return [
    ...[...translated.flatMap(spellings), ...unmapped].flatMap((path) => METHODS.map((method) => ({ method, url: prefix + path, headers: right }))),
    ...[...translated, ...unmapped].flatMap((path) => METHODS.flatMap((method) => wrong.map((headers) => ({ method, url: prefix + path, headers })))),
  ];
}

export async function probeLane(createFacade: FacadeFactory, config: CompatConfig, probes: readonly Probe[]): Promise<ProbeResult[]> {
  const forwarded = new Map<string, string>();
  const upstream = createServer((request: IncomingMessage, response) => {
    const id = request.headers['x-probe'];
    if (typeof id === 'string') forwarded.set(id, (request.url ?? '').slice(UPSTREAM_PREFIX.length));
    request.resume();
    request.on('end', () => response.writeHead(299, { 'content-type': 'text/plain' }).end('upstream'));
  });
  const upstreamUrl = await listen(upstream);
  const facade: Facade = createFacade({
    vendor: 'probe',
    config,
    // No backend: a translated route answers its vendor's error without calling anything.
    backendFor: () => undefined,
    upstream: { vendor: 'probe', baseUrl: upstreamUrl + UPSTREAM_PREFIX, authHeaders: async () => ({ 'x-upstream-credential': 'upstream' }), credentialHeaders: [] },
    logger: pino({ level: 'silent' }),
  });
  if (!facade.lane) throw new Error('the facade has no lane with an upstream configured');
  const lane = facade.lane;
  const app = express();
  app.use(facade.router);
  const verdicts = new Map<string, string | null>();
  const server = createServer((request, response) => {
    verdicts.set(String(request.headers['x-probe']), lane.accepts(request, split(request.url ?? '/')));
    app(request, response);
  });
  // A pool sends each path as written, as a client's raw request line would.
  const client = new Pool(await listen(server), { connections: 16 });
  const results: ProbeResult[] = [];
  try {
    let next = 0;
    const one = async (probe: Probe) => {
      const id = String(next++);
      const body = probe.method === 'GET' || probe.method === 'HEAD' ? undefined : '{}';
      const answer = await client.request({
        path: probe.url,
        method: probe.method as 'GET',
        headers: { ...probe.headers, 'x-probe': id, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body } : {}),
      });
      await answer.body.text();
      results.push({ probe, lane: verdicts.get(id) ?? null, router: forwarded.get(id) ?? null, status: answer.statusCode });
    };
    // A few in flight at a time: the answers are quick, and every probe is its own request.
    for (let start = 0; start < probes.length; start += 16) await Promise.all(probes.slice(start, start + 16).map(one));
  } finally {
    await client.close();
    server.close();
    upstream.close();
    server.closeAllConnections();
    upstream.closeAllConnections();
  }
  return results;
}

/** The probes the lane forwarded though the router did not, or forwarded to another URL. */
export function disagreements(results: readonly ProbeResult[]): string[] {
  return results
    .filter((result) => result.lane !== null && result.lane !== result.router)
    .map((result) => `${result.probe.method} ${result.probe.url} [${Object.keys(result.probe.headers).join(',') || 'no credential'}]: lane ${result.lane}, router ${result.router ?? `answered ${result.status}`}`);
}
