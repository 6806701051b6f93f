/**
 * `npm run bench`: requests/s and p50/p99 latency of imbridge's native backend (sqlite store)
 * against a bare express route answering the same JSON, measured in the same run on the same
 * machine, one server at a time, the load generator in this process and each server in its own.
 *
 * Environment: BENCH_SECONDS (default 8), BENCH_ROUNDS (default 4), BENCH_CONNECTIONS (default 16).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sequentialLatency, type LatencySample } from './pass-through.js';
import { formatThroughput, measureMigrationThroughput } from './migration-throughput.js';
import { measureStoreScale } from './store-scale.js';
import { formatVendorPath, measureVendorPath } from './vendor-path.js';
import { formatCostGrowth, measureCostGrowth } from './cost-growth.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PASS_THROUGH_REQUESTS = Number(process.env.BENCH_PASS_THROUGH_REQUESTS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Started {
  url: string;
  child: ChildProcess;
}

const children = new Set<ChildProcess>();
// A bench stopped half-way must not leave servers running behind it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function start(args: string[], pattern: RegExp, environment: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve({ url: match[1]!, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

function stop(started: Started): Promise<void> {
  return new Promise((resolve) => {
    started.child.once('exit', () => resolve());
    started.child.kill('SIGTERM');
  });
}

interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

type Target = [url: string, method: 'GET' | 'PUT', path: string, body?: unknown];

async function measureFor(seconds: number, ...[url, method, path, body]: Target): Promise<Measured> {
  const result = await autocannon({
    url: url + path,
    method,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const median = (values: number[]) => [...values].sort((first, second) => first - second)[Math.floor(values.length / 2)]!;

/**
 * Each target for SECONDS in all, in ROUNDS slices taken in turn (a, b, a, b…), after a 2 s
 * warm-up each (V8 optimises the hot path): on a machine busy with other work, the load then
 * weighs on every target alike and the ratio holds. Req/s is the mean of the slices, latency the
 * median of their percentiles.
 */
async function measureInterleaved(targets: [Target, Target]): Promise<[Measured, Measured]> {
  for (const target of targets) await measureFor(2, ...target);
  const slices = targets.map(() => [] as Measured[]);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, target] of targets.entries()) slices[index]!.push(await measureFor(SECONDS / ROUNDS, ...target));
  }
  const [first, second] = slices.map((runs) => ({
    requestsPerSecond: runs.reduce((sum, run) => sum + run.requestsPerSecond, 0) / runs.length,
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
  }));
  return [first!, second!];
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(url + path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

function line(label: string, measured: Measured): string {
  return `${label.padEnd(34)} ${measured.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(measured.p50).padStart(3)} ms   p99 ${String(measured.p99).padStart(3)} ms   errors ${measured.errors + measured.non2xx}`;
}

function micro(value: number): string {
  return `${(value / 1000).toFixed(3)} ms`;
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-bench-'));
  const config = join(directory, 'bench.yaml');
  writeFileSync(config, `backends:\n  local: { vendor: native, store: { driver: sqlite, path: "${join(directory, 'bench.db')}" } }\n`);
  const results: Record<string, Measured> = {};
  const passThrough: Partial<Record<'direct' | 'proxied', LatencySample>> = {};
  try {
    process.stdout.write(`imbridge bench: ${SECONDS} s per target in ${ROUNDS} interleaved slices after a 2 s warm-up, ${CONNECTIONS} connections, Node ${process.version}\n\n`);
    const bare = await start(['bench/bare-server.ts'], /listening (http:\/\/\S+)/);
    // Request logging off: the bench measures the API, not the speed of stdout.
    const imbridge = await start(['src/cli/main.ts', 'serve', '--config', config], /"url":"(http:\/\/[^"]+)"/, { PORT: '0', LOG_LEVEL: 'warn' });
    await call(imbridge.url, 'PUT', '/v1/users/bench_a', { name: 'A' });
    await call(imbridge.url, 'PUT', '/v1/users/bench_b', { name: 'B' });
    await call(imbridge.url, 'PUT', '/v1/users/bench_a/friends/bench_b', { alias: 'Bee' });
    const relation = '/v1/users/bench_a/relations/bench_b';
    const friend = '/v1/users/bench_a/friends/bench_b';
    [results.bareGet, results.nativeGet] = await measureInterleaved([
      [bare.url, 'GET', relation],
      [imbridge.url, 'GET', relation],
    ]);
    [results.barePut, results.nativePut] = await measureInterleaved([
      [bare.url, 'PUT', friend, { alias: 'Bee' }],
      [imbridge.url, 'PUT', friend, { alias: 'Bee' }],
    ]);
    await stop(bare);
    await stop(imbridge);

    // Pass-through: a WuKongIM route the facade does not translate, direct vs through imbridge.
    const fake = await start(['src/cli/main.ts', 'fake', 'wukongim', '--port', '0'], /^(\{.*\})$/m);
    const block = JSON.parse(fake.url) as { baseUrl: string; token?: string };
    const facadeToken = 'bench-facade-token';
    writeFileSync(
      config,
      `backends:\n  local: { vendor: native, store: { driver: memory } }\n  wk: ${JSON.stringify(block)}\ncompat:\n  wukongim: { backend: local, upstream: wk, token: ${facadeToken} }\n`,
    );
    const proxy = await start(['src/cli/main.ts', 'serve', '--config', config], /"url":"(http:\/\/[^"]+)"/, { PORT: '0', LOG_LEVEL: 'warn' });
    const body = JSON.stringify(['bench_a', 'bench_b']);
    const json = { 'content-type': 'application/json' };
    passThrough.direct = await sequentialLatency({ url: block.baseUrl, method: 'POST', path: '/user/onlinestatus', headers: { ...json, token: block.token ?? '' }, body }, PASS_THROUGH_REQUESTS, 300);
    passThrough.proxied = await sequentialLatency({ url: `${proxy.url}/compat/wukongim`, method: 'POST', path: '/user/onlinestatus', headers: { ...json, token: facadeToken }, body }, PASS_THROUGH_REQUESTS, 300);
    await stop(proxy);
    await stop(fake);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const { bareGet, barePut, nativeGet, nativePut } = results as Record<'bareGet' | 'barePut' | 'nativeGet' | 'nativePut', Measured>;
  process.stdout.write(
    [
      line('bare express  GET relation', bareGet),
      line('native/sqlite GET relation', nativeGet),
      line('bare express  PUT friend', barePut),
      line('native/sqlite PUT friend', nativePut),
      '',
      `ratio GET relation (native / bare req/s): ${(nativeGet.requestsPerSecond / bareGet.requestsPerSecond).toFixed(2)}   (target >= 0.70)`,
      `ratio PUT friend   (native / bare req/s): ${(nativePut.requestsPerSecond / barePut.requestsPerSecond).toFixed(2)}`,
      `p50 added GET: ${nativeGet.p50 - bareGet.p50} ms, p99 added GET: ${nativeGet.p99 - bareGet.p99} ms`,
      '',
      `pass-through POST /user/onlinestatus, ${PASS_THROUGH_REQUESTS} sequential requests each:`,
      `  direct to the WuKongIM fake       p50 ${micro(passThrough.direct!.p50)}   p99 ${micro(passThrough.direct!.p99)}`,
      `  through /compat/wukongim          p50 ${micro(passThrough.proxied!.p50)}   p99 ${micro(passThrough.proxied!.p99)}`,
      `  added by imbridge                 p50 ${micro(passThrough.proxied!.p50 - passThrough.direct!.p50)}   p99 ${micro(passThrough.proxied!.p99 - passThrough.direct!.p99)}   (target p50 <= 1 ms)`,
      '',
    ].join('\n'),
  );
  const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
  const addedMs = (micros: number) => `${micros >= 0 ? '+' : ''}${(micros / 1000).toFixed(2)}`;
  process.stdout.write(
    [
      'README table (native and pass-through):',
      '| measured | imbridge | baseline | ratio / added |',
      '|---|---|---|---|',
      `| \`GET …/relations/{b}\` (native, sqlite) | ${thousands(nativeGet.requestsPerSecond)} req/s | bare express ${thousands(bareGet.requestsPerSecond)} req/s | ${(nativeGet.requestsPerSecond / bareGet.requestsPerSecond).toFixed(2)}× |`,
      `| \`PUT …/friends/{b}\` (native, sqlite) | ${thousands(nativePut.requestsPerSecond)} req/s | bare express ${thousands(barePut.requestsPerSecond)} req/s | ${(nativePut.requestsPerSecond / barePut.requestsPerSecond).toFixed(2)}× |`,
      `| pass-through p50 / p99 | ${(passThrough.proxied!.p50 / 1000).toFixed(3)} / ${(passThrough.proxied!.p99 / 1000).toFixed(3)} ms | direct ${(passThrough.direct!.p50 / 1000).toFixed(3)} / ${(passThrough.direct!.p99 / 1000).toFixed(3)} ms | ${addedMs(passThrough.proxied!.p50 - passThrough.direct!.p50)} / ${addedMs(passThrough.proxied!.p99 - passThrough.direct!.p99)} ms |`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`vendor path (README table; fixed load and saturation, added = minus the direct calls):\n${formatVendorPath(await measureVendorPath())}\n\n`);
  process.stdout.write(`cost growth with the friend count (README table):\n${formatCostGrowth(await measureCostGrowth())}\n\n`);
  process.stdout.write(`migration throughput (1,000 users, 5,000 friendships, 1,000 blocks, 20 rooms of 21; targets ≥ 5,000 relations/s native → native, ≥ 1,000 to a vendor fake):\n${formatThroughput(await measureMigrationThroughput())}\n`);
  process.stdout.write(`\n${await measureStoreScale()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
