/**
 * What imbridge adds on the vendor path, against the floor, in one run on the same vendor fake
 * (its own process, keep-alive everywhere):
 *   (a) direct: the vendor calls one unified operation makes, sent straight to the fake with the
 *       adapter's own ordering (recorded once: a call waits for those that had answered before
 *       it started, so parallel calls stay parallel);
 *   (b) the same calls through a bare http-proxy-middleware, one loopback hop (the floor);
 *   (r) for the pass-through call, the same through a raw node:http + undici proxy: what one
 *       loopback hop costs any Node proxy here, the floor under (b) and under (c) − (a);
 *   (c) the unified `/v1` operation through imbridge and the adapter;
 *   (d) the facade `/compat/<vendor>` passing a vendor call through, beside (a) and (b) for that
 *       same call.
 * For a read and a write, at a fixed offered load and at saturation, printed as added p50/p99
 * (from the client, and from Server-Timing's `imbridge` part), req/s ratios, and the upstream
 * connections the fake accepted per 10,000 requests.
 *
 *   node --import tsx bench/vendor-path.ts   (also run by `npm run bench`)
 * Environment: BENCH_VENDOR_SECONDS (default 4, per path and load), BENCH_VENDOR_ROUNDS (default 4), BENCH_VENDOR_RATE (default 1000),
 * BENCH_VENDOR_CONCURRENCY (default 16), BENCH_VENDORS (default wukongim,openim).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../src/config/load-config.js';
import { createBackends } from '../src/server/create-backends.js';
import { createLogger } from '../src/server/create-logger.js';
import { VendorTime, guardBackend, runInCallScope } from '../src/runtime/index.js';
import type { Backend } from '../src/spec/index.js';
import type { RecordedRequest } from '../src/testing/index.js';
import { Pools, fixedRateRun, mergeRuns, saturateRun, sendCall, summarizeRun, type HttpCall, type LoadResult, type RawRun, type Send } from './load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_VENDOR_SECONDS ?? 4);
const RATE = Number(process.env.BENCH_VENDOR_RATE ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_VENDOR_CONCURRENCY ?? 16);
/** Each path's time is cut into this many slices, taken in turn a, b, c, a, b, c…: a machine busy with other work then weighs on all paths alike. */
const ROUNDS = Number(process.env.BENCH_VENDOR_ROUNDS ?? 4);
const VENDORS = (process.env.BENCH_VENDORS ?? 'wukongim,openim').split(',');
/** Writes rotate over this many user pairs: writes on one pair run one at a time (keyed lock). */
const PAIRS = 32;
const FACADE_SECRET = 'bench-facade-secret';
const JSON_TYPE = { 'content-type': 'application/json' };

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function spawnScript(args: string[], pattern: RegExp, options: { ipc?: boolean; environment?: NodeJS.ProcessEnv } = {}): Promise<{ match: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.environment },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve({ match: match[1]!, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** How the bench reaches one vendor: credentials, the facade block, a pass-through read and write. */
interface VendorProfile {
  vendor: string;
  /** Headers a client of the vendor sends (the fake's credentials, or the facade's). */
  headers(base: string, credential: { token?: string; secret?: string; adminUserId?: string }): Promise<Record<string, string>>;
  compat(backend: string): Record<string, unknown>;
  passThrough: { read: HttpCall; write: HttpCall };
}

async function openImAdminToken(base: string, secret: string, userID: string): Promise<string> {
  const answer = await fetch(`${base}/auth/get_admin_token`, { method: 'POST', headers: { ...JSON_TYPE, operationID: 'bench' }, body: JSON.stringify({ secret, userID }) });
  const body = (await answer.json()) as { errCode: number; data?: { token: string } };
  if (body.errCode !== 0 || !body.data) throw new Error(`get_admin_token at ${base}: ${JSON.stringify(body)}`);
  return body.data.token;
}

const PROFILES: Record<string, VendorProfile> = {
  wukongim: {
    vendor: 'wukongim',
    headers: async (_base, credential) => ({ ...JSON_TYPE, token: credential.token ?? FACADE_SECRET }),
    compat: (backend) => ({ backend, upstream: backend, token: FACADE_SECRET }),
    passThrough: {
      read: { method: 'POST', path: '/user/onlinestatus', headers: {}, body: JSON.stringify(['pa_0', 'pb_0']) },
      write: { method: 'POST', path: '/user/device_quit', headers: {}, body: JSON.stringify({ uid: 'pa_0', device_flag: -1 }) },
    },
  },
  openim: {
    vendor: 'openim',
    headers: async (base, credential) => ({
      ...JSON_TYPE,
      operationID: 'bench',
      token: await openImAdminToken(base, credential.secret ?? FACADE_SECRET, credential.adminUserId ?? 'imAdmin'),
    }),
    compat: (backend) => ({ backend, upstream: backend, secret: FACADE_SECRET }),
    passThrough: {
      read: { method: 'POST', path: '/auth/get_user_token', headers: {}, body: JSON.stringify({ userID: 'pa_0', platformID: 1 }) },
      write: {
        method: 'POST',
        path: '/conversation/set_conversations',
        headers: {},
        body: JSON.stringify({ userIDs: ['pa_0'], conversation: { conversationID: 'si_pa_0_pb_0', conversationType: 1, userID: 'pb_0', isPinned: true } }),
      },
    },
  },
};

/** One vendor call as the fake logged it, ready to send again (hop-by-hop headers dropped). */
function replayable(recorded: RecordedRequest): HttpCall {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(recorded.query)) for (const item of [value].flat()) query.append(key, String(item));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded.headers)) {
    if (['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: recorded.method, path: recorded.path + (query.size > 0 ? `?${query}` : ''), headers, ...(recorded.rawBody !== '' ? { body: recorded.rawBody } : {}) };
}

/** The vendor calls of one unified operation, each with the calls it waited for. */
interface Schedule {
  calls: HttpCall[];
  waitsFor: number[][];
}

/** A VendorTime that also keeps each attempt's interval, to learn which call waited for which. */
class RecordingVendorTime extends VendorTime {
  readonly spans: Array<{ start: number; end: number }> = [];

  override begin(): () => void {
    const span = { start: performance.now(), end: Number.POSITIVE_INFINITY };
    this.spans.push(span);
    const ended = super.begin();
    return () => {
      span.end = performance.now();
      ended();
    };
  }
}

async function recordSchedule(fakeUrl: string, operation: () => Promise<unknown>): Promise<Schedule> {
  await fetch(`${fakeUrl}/__fake/requests`, { method: 'DELETE' });
  const recording = new RecordingVendorTime();
  await runInCallScope({ vendorTime: recording }, operation);
  const logged = ((await (await fetch(`${fakeUrl}/__fake/requests`)).json()) as RecordedRequest[]).filter((entry) => !entry.path.startsWith('/__fake'));
  if (logged.length !== recording.spans.length) throw new Error(`recorded ${recording.spans.length} vendor calls but the fake logged ${logged.length}`);
  // Calls are logged in arrival order and spans in start order; the two agree up to the order
  // within a burst of parallel calls, which does not change the schedule's shape.
  const waitsFor = recording.spans.map((span) => recording.spans.flatMap((other, index) => (other.end <= span.start ? [index] : [])));
  return { calls: logged.map(replayable), waitsFor };
}

function replay(pools: Pools, base: string, schedule: Schedule): Send {
  return async () => {
    const done: Array<Promise<unknown>> = [];
    schedule.calls.forEach((call, index) => {
      done[index] = Promise.all(schedule.waitsFor[index]!.map((other) => done[other])).then(() => sendCall(pools, base, call));
    });
    await Promise.all(done);
    return {};
  };
}

/**
 * The fixed load for an operation: RATE, unless the fake alone (path a) cannot take twice that:
 * then half of what it took, so the fixed-load rows measure paths and not the fake's own queue.
 */
function fixedRateFor(direct: LoadResult): number {
  return Math.min(RATE, Math.max(50, Math.floor(direct.requestsPerSecond / 2 / 50) * 50));
}

export interface PathRow {
  vendor: string;
  operation: string;
  /** How many vendor calls one operation makes (for the pass-through: 1). */
  calls: number;
  load: 'fixed' | 'saturation';
  /** The fixed offered load used (requests/s). */
  rate: number;
  direct: LoadResult;
  proxied: LoadResult;
  imbridge: LoadResult;
  /** `c` for the unified operation, `d` for the facade pass-through. */
  path: 'c' | 'd';
  /** The pass-through call through the raw one-hop proxy (r); only on `d` rows. */
  rawHop?: LoadResult;
  /** Connections the fake accepted per 10,000 requests, per path. */
  connectionsPer10k: { direct: number; proxied: number; imbridge: number };
}

interface FakeProcess {
  block: Record<string, unknown> & { baseUrl: string };
  child: ChildProcess;
  connections(): Promise<number>;
}

async function startFakeProcess(vendor: string): Promise<FakeProcess> {
  const { match, child } = await spawnScript(['bench/bench-fake.ts', vendor], /^(\{.*\})$/m, { ipc: true });
  return {
    block: JSON.parse(match) as FakeProcess['block'],
    child,
    connections: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { connections: number }).connections));
        child.send('connections');
      }),
  };
}

async function inProcessBackend(block: Record<string, unknown>): Promise<Backend> {
  const config = validateConfig({ defaultBackend: 'v', backends: { v: block } }, {});
  return guardBackend((await createBackends(config.backends, { logger: createLogger('silent'), changes: { emit() {} } })).get('v')!);
}

async function must(answer: Promise<Response>, what: string): Promise<void> {
  const response = await answer;
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
}

async function measureVendor(vendor: string, directory: string): Promise<PathRow[]> {
  const profile = PROFILES[vendor];
  if (!profile) throw new Error(`the vendor-path bench has no profile for "${vendor}"`);
  const fake = await startFakeProcess(vendor);
  const pools = new Pools(64);
  const closers: Array<() => Promise<void>> = [async () => void (await stop(fake.child))];
  try {
    const bare = await spawnScript(['bench/bare-proxy.ts', fake.block.baseUrl], /listening (http:\/\/\S+)/);
    closers.push(() => stop(bare.child));
    const raw = await spawnScript(['bench/raw-proxy.ts', fake.block.baseUrl], /listening (http:\/\/\S+)/);
    closers.push(() => stop(raw.child));
    const config = join(directory, `${vendor}.yaml`);
    writeFileSync(config, `backends:\n  v: ${JSON.stringify(fake.block)}\ncompat:\n  ${vendor}: ${JSON.stringify(profile.compat('v'))}\n`);
    const served = await spawnScript(['src/cli/main.ts', 'serve', '--config', config], /"url":"(http:\/\/[^"]+)"/, { environment: { PORT: '0', LOG_LEVEL: 'warn' } });
    closers.push(() => stop(served.child));
    const imbridge = served.match;

    for (let pair = 0; pair < PAIRS; pair += 1) {
      for (const uid of [`pa_${pair}`, `pb_${pair}`]) await must(fetch(`${imbridge}/v1/users/${uid}`, { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify({ name: uid }) }), `PUT user ${uid}`);
      await must(fetch(`${imbridge}/v1/users/pa_${pair}/friends/pb_${pair}`, { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify({ alias: 'Bee' }) }), 'PUT friend');
    }

    // The schedules, recorded on an adapter in this process after a warm-up (its caches as warm
    // as the server's will be).
    const recorder = await inProcessBackend(fake.block);
    closers.push(() => recorder.close());
    for (let round = 0; round < 3; round += 1) await recorder.relations.get('pa_0', 'pb_0');
    const readSchedule = await recordSchedule(fake.block.baseUrl, () => recorder.relations.get('pa_0', 'pb_0'));
    await recorder.friends.put('pa_0', 'pb_0', { alias: 'Rec1' });
    const writeSchedule = await recordSchedule(fake.block.baseUrl, () => recorder.friends.put('pa_0', 'pb_0', { alias: 'Rec2' }));

    const unified: Array<{ operation: string; schedule: Schedule; call: (index: number) => HttpCall }> = [
      { operation: 'GET relation (relations.get)', schedule: readSchedule, call: () => ({ method: 'GET', path: '/v1/users/pa_0/relations/pb_0', headers: {} }) },
      {
        operation: 'PUT friend alias (friends.put)',
        schedule: writeSchedule,
        // Each write changes the alias, so every one writes; pairs rotate so writes do not queue on one pair's lock.
        call: (index) => {
          const pair = index % PAIRS;
          return { method: 'PUT', path: `/v1/users/pa_${pair}/friends/pb_${pair}`, headers: JSON_TYPE, body: JSON.stringify({ alias: Math.floor(index / PAIRS) % 2 === 0 ? 'Bea' : 'Bee' }) };
        },
      },
    ];
    const directHeaders = await profile.headers(fake.block.baseUrl, fake.block as { token?: string; secret?: string; adminUserId?: string });
    const facadeBase = `${imbridge}/compat/${vendor}`;
    const facadeHeaders = await profile.headers(facadeBase, {});
    const passThrough = (['read', 'write'] as const).map((kind) => ({ kind, call: profile.passThrough[kind] }));
    // A pass-through answer the vendor refused would measure an error path: check each once.
    for (const { kind, call } of passThrough) {
      for (const [base, headers] of [
        [fake.block.baseUrl, directHeaders],
        [facadeBase, facadeHeaders],
      ] as const) {
        const answer = await fetch(base + call.path, { method: call.method, headers, ...(call.body === undefined ? {} : { body: call.body }) });
        const text = await answer.text();
        if (!answer.ok || /"errCode":[1-9]/.test(text)) throw new Error(`pass-through ${kind} ${call.path} at ${base}: ${answer.status} ${text.slice(0, 200)}`);
      }
    }

    const rows: PathRow[] = [];
    let rate = RATE;
    interface Measured {
      result: LoadResult;
      connections: number;
    }
    /** Runs the three paths in interleaved slices at one load; the results in the paths' order. */
    const phases = async (sends: readonly Send[], load: 'fixed' | 'saturation'): Promise<Measured[]> => {
      const run = (send: Send, seconds: number) => (load === 'fixed' ? fixedRateRun(send, rate, seconds) : saturateRun(send, CONCURRENCY, seconds));
      await fetch(`${fake.block.baseUrl}/__fake/requests`, { method: 'DELETE' });
      // A warm-up, unmeasured, at the same load, so each path's connections are open.
      for (const send of sends) await run(send, 0.5);
      const runs = sends.map(() => [] as RawRun[]);
      const opened = sends.map(() => 0);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [index, send] of sends.entries()) {
          const before = await fake.connections();
          runs[index]!.push(await run(send, SECONDS / ROUNDS));
          opened[index]! += (await fake.connections()) - before;
        }
        await fetch(`${fake.block.baseUrl}/__fake/requests`, { method: 'DELETE' });
      }
      return runs.map((slices, index) => {
        const result = summarizeRun(mergeRuns(slices));
        return { result, connections: result.requests > 0 ? (opened[index]! / result.requests) * 10_000 : Number.NaN };
      });
    };
    /** Saturation first: the fixed load follows from what the fake alone (a) took. */
    const measurePaths = async (sends: readonly Send[]): Promise<Array<{ load: 'fixed' | 'saturation'; rate: number; measured: Measured[] }>> => {
      const saturation = await phases(sends, 'saturation');
      rate = fixedRateFor(saturation[0]!.result);
      const fixed = await phases(sends, 'fixed');
      return [
        { load: 'saturation', rate, measured: saturation },
        { load: 'fixed', rate, measured: fixed },
      ];
    };
    for (const { operation, schedule, call } of unified) {
      const sends: Send[] = [replay(pools, fake.block.baseUrl, schedule), replay(pools, bare.match, schedule), (index) => sendCall(pools, imbridge, call(index))];
      for (const { load, rate: used, measured } of await measurePaths(sends)) {
        const [direct, proxied, through] = measured as [Measured, Measured, Measured];
        rows.push({
          vendor,
          operation,
          calls: schedule.calls.length,
          load,
          rate: used,
          path: 'c',
          direct: direct.result,
          proxied: proxied.result,
          imbridge: through.result,
          connectionsPer10k: { direct: direct.connections, proxied: proxied.connections, imbridge: through.connections },
        });
      }
    }
    for (const { kind, call } of passThrough) {
      const sends: Send[] = [
        () => sendCall(pools, fake.block.baseUrl, { ...call, headers: directHeaders }),
        () => sendCall(pools, bare.match, { ...call, headers: directHeaders }),
        () => sendCall(pools, facadeBase, { ...call, headers: facadeHeaders }),
        () => sendCall(pools, raw.match, { ...call, headers: directHeaders }),
      ];
      for (const { load, rate: used, measured } of await measurePaths(sends)) {
        const [direct, proxied, through, rawHop] = measured as [Measured, Measured, Measured, Measured];
        rows.push({
          vendor,
          operation: `pass-through ${kind} ${call.method} ${call.path}`,
          calls: 1,
          load,
          rate: used,
          path: 'd',
          direct: direct.result,
          proxied: proxied.result,
          imbridge: through.result,
          rawHop: rawHop.result,
          connectionsPer10k: { direct: direct.connections, proxied: proxied.connections, imbridge: through.connections },
        });
      }
    }
    return rows;
  } finally {
    await pools.close();
    for (const close of closers.reverse()) await close();
  }
}

export async function measureVendorPath(vendors: readonly string[] = VENDORS): Promise<PathRow[]> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-bench-vendor-'));
  try {
    const rows: PathRow[] = [];
    for (const vendor of vendors) rows.push(...(await measureVendor(vendor, directory)));
    return rows;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(2));
const signed = (value: number) => (value >= 0 ? `+${value.toFixed(2)}` : value.toFixed(2));

/** The rows as a Markdown table, ready for the README, and the targets checked from them. */
export function formatVendorPath(rows: readonly PathRow[]): string {
  const header = [
    '| vendor | operation (vendor calls) | load | direct (a) p50 / p99 ms | raw hop (r) added p50 / p99 | bare proxy (b) added p50 / p99 | imbridge (c or d) added p50 / p99 | Server-Timing imbridge p50 / p99 | req/s a · b · c/d (c/d ÷ a) | upstream connections per 10k (b · c/d) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const lines = rows.map((row) => {
    const { direct, proxied, imbridge } = row;
    const load = row.load === 'fixed' ? `${row.rate} req/s` : `saturation (${CONCURRENCY} in flight)`;
    const rawHop = row.rawHop ? `${signed(row.rawHop.p50 - direct.p50)} / ${signed(row.rawHop.p99 - direct.p99)}` : '–';
    return `| ${row.vendor} | ${row.operation} (${row.calls}) | ${load} | ${ms(direct.p50)} / ${ms(direct.p99)} | ${rawHop} | ${signed(proxied.p50 - direct.p50)} / ${signed(proxied.p99 - direct.p99)} | ${signed(imbridge.p50 - direct.p50)} / ${signed(imbridge.p99 - direct.p99)} | ${ms(imbridge.imbridgeP50)} / ${ms(imbridge.imbridgeP99)} | ${direct.requestsPerSecond.toFixed(0)} · ${proxied.requestsPerSecond.toFixed(0)} · ${imbridge.requestsPerSecond.toFixed(0)} (${(imbridge.requestsPerSecond / direct.requestsPerSecond).toFixed(2)}×) | ${row.connectionsPer10k.proxied.toFixed(1)} · ${row.connectionsPer10k.imbridge.toFixed(1)} |`;
  });
  const errors = rows.flatMap((row) => {
    const rawErrors = row.rawHop?.errors ?? 0;
    return row.direct.errors + row.proxied.errors + row.imbridge.errors + rawErrors > 0 ? [`${row.vendor} ${row.operation} ${row.load}: ${row.direct.errors}/${row.proxied.errors}/${row.imbridge.errors}/${rawErrors} errors (a/b/c or d/r)`] : [];
  });
  const checks: string[] = [];
  const fixed = rows.filter((candidate) => candidate.load === 'fixed');
  /** What a raw one-hop proxy added at the fixed load on this vendor's pass-through calls: (c) − (a) includes one such hop. */
  const hops = (vendor: string) => fixed.flatMap((row) => (row.vendor === vendor && row.rawHop ? [signed(row.rawHop.p50 - row.direct.p50)] : []));
  for (const row of fixed) {
    if (row.path === 'c') {
      const p50 = row.imbridge.p50 - row.direct.p50;
      const p99 = row.imbridge.p99 - row.direct.p99;
      const inside = `Server-Timing imbridge p50 ${ms(row.imbridge.imbridgeP50)} ms, p99 ${ms(row.imbridge.imbridgeP99)} ms`;
      const measured = hops(row.vendor);
      const hop = measured.length > 0 ? `; one raw hop (r − a) on this vendor's pass-through calls: ${measured.join(' / ')} ms p50` : '';
      checks.push(`${p50 <= 0.3 && p99 <= 2 ? 'met ' : 'MISSED'} ${row.vendor} ${row.operation}: c − a at ${row.rate} req/s p50 ${signed(p50)} ms (≤ 0.3), p99 ${signed(p99)} ms (≤ 2); ${inside}${hop}`);
    } else {
      const floor = row.proxied.p50 - row.direct.p50;
      const added = row.imbridge.p50 - row.direct.p50;
      const hop = row.rawHop ? `; a raw hop (r) adds ${signed(row.rawHop.p50 - row.direct.p50)} ms` : '';
      checks.push(`${added <= 1.2 * floor ? 'met ' : 'MISSED'} ${row.vendor} ${row.operation}: d adds ${signed(added)} ms p50, ${(added / floor).toFixed(2)}× the bare proxy's ${signed(floor)} ms (≤ 1.2×)${hop}`);
    }
  }
  return [...header, ...lines, '', ...checks, ...(errors.length > 0 ? ['', 'errors:', ...errors] : [])].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await measureVendorPath();
  process.stdout.write(`${formatVendorPath(rows)}\n`);
  process.exit(0);
}
