/**
 * The native store at scale, SQLite beside PostgreSQL, in one run:
 * - list-page latency: p50 of one friends page (limit 100) for users with 10, 1,000 and 100,000
 *   friends, pages read from random positions of the list (target: the 100,000 page p50 at most
 *   1.5 × the 10 page p50, on each store), through imbridge's HTTP API;
 * - reads and writes per second (GET relation, PUT friend) of native-on-PostgreSQL beside
 *   native-on-SQLite and a bare express app answering the same JSON.
 * The lists are seeded with bulk INSERTs through the store, not HTTP calls. PostgreSQL is the
 * server IMBRIDGE_TEST_POSTGRES_URL names, or a throwaway cluster started for the bench.
 *
 * Environment: BENCH_STORE_SECONDS (default 5), BENCH_CONNECTIONS (default 16),
 * BENCH_PAGE_READS (default 300 per list).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { encodePositionCursor } from '../src/runtime/index.js';
import { createTestDatabase, testPostgresServer } from '../src/testing/postgres-cluster.js';
import { openStore } from '../adapters/native/backend/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_STORE_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PAGE_READS = Number(process.env.BENCH_PAGE_READS ?? 300);
const SIZES = [10, 1_000, 100_000] as const;
const CHUNK = 500;

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function start(args: string[], pattern: RegExp, environment: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess }> {
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

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const friendId = (index: number) => `f_${String(index).padStart(6, '0')}`;

/** Owners o10, o1000, o100000 and their friends f_000000…, in multi-row INSERTs of one transaction per table chunk. */
async function seed(store: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  const now = Date.now();
  const largest = Math.max(...SIZES);
  const users = [...SIZES.map((size) => `o${size}`), 'bench_a', 'bench_b', ...Array.from({ length: largest }, (_, index) => friendId(index))];
  const insertRows = async (table: string, columns: string[], rows: unknown[][]) => {
    for (let offset = 0; offset < rows.length; offset += CHUNK) {
      const chunk = rows.slice(offset, offset + CHUNK);
      const values = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      await store.transaction(() => store.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ON CONFLICT DO NOTHING`, chunk.flat()));
    }
  };
  await insertRows('users', ['uid', 'name', 'extra', 'created_at'], users.map((uid) => [uid, uid.toUpperCase(), null, now]));
  const friends: unknown[][] = [];
  for (const size of SIZES) for (let index = 0; index < size; index += 1) friends.push([`o${size}`, friendId(index), null, null, now]);
  friends.push(['bench_a', 'bench_b', 'Bee', null, now], ['bench_b', 'bench_a', null, null, now]);
  await insertRows('friends', ['owner', 'friend', 'alias', 'extra', 'since'], friends);
  // Statistics now rather than when autovacuum gets to them: without them PostgreSQL plans the
  // keyset read of a 100,000-row list as a bitmap scan of all of it, then a sort.
  await store.run('ANALYZE');
}

function p50(samples: number[]): number {
  const sorted = [...samples].sort((first, second) => first - second);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One page read from a random position of the list of `size`, in ms. */
async function readPage(url: string, size: number): Promise<number> {
  const start = Math.floor(Math.random() * size);
  const cursor = start === 0 ? '' : `&cursor=${encodePositionCursor(friendId(start - 1))}`;
  const begun = performance.now();
  const response = await fetch(`${url}/v1/users/o${size}/friends?limit=100${cursor}`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`friends page: ${response.status}`);
  return performance.now() - begun;
}

/**
 * p50 ms per list size. The sizes take turns read by read, so a burst of load from elsewhere on
 * the machine falls on all of them alike instead of on whichever size was being measured.
 */
async function pageLatencies(url: string): Promise<Record<number, number>> {
  const samples = new Map<number, number[]>(SIZES.map((size) => [size, []]));
  for (let index = 0; index < 50; index += 1) for (const size of SIZES) await readPage(url, size);
  for (let index = 0; index < PAGE_READS; index += 1) for (const size of SIZES) samples.get(size)!.push(await readPage(url, size));
  return Object.fromEntries(SIZES.map((size) => [size, p50(samples.get(size)!)]));
}

interface Throughput {
  requestsPerSecond: number;
  p50: number;
  errors: number;
}

async function throughput(url: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<Throughput> {
  const options = {
    url: url + path,
    method,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon(options);
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, errors: result.errors + result.timeouts + result.non2xx };
}

interface StoreResult {
  pages: Record<number, number>;
  get: Throughput;
  put: Throughput;
}

async function measureStore(config: string, store: Parameters<typeof openStore>[0]): Promise<StoreResult> {
  const opened = await openStore(store);
  try {
    await seed(opened);
  } finally {
    await opened.close();
  }
  const server = await start(['src/cli/main.ts', 'serve', '--config', config], /"url":"(http:\/\/[^"]+)"/, { PORT: '0', LOG_LEVEL: 'warn' });
  try {
    const pages = await pageLatencies(server.url);
    const get = await throughput(server.url, 'GET', '/v1/users/bench_a/relations/bench_b');
    const put = await throughput(server.url, 'PUT', '/v1/users/bench_a/friends/bench_b', { alias: 'Bee' });
    return { pages, get, put };
  } finally {
    await stop(server.child);
  }
}

function rate(label: string, measured: Throughput): string {
  return `  ${label.padEnd(30)} ${measured.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${String(measured.p50).padStart(3)} ms   errors ${measured.errors}`;
}

/** Runs the whole measurement and returns its report. */
export async function measureStoreScale(): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-store-scale-'));
  const postgres = await testPostgresServer();
  const database = await createTestDatabase(postgres.url);
  try {
    const sqliteStore = { driver: 'sqlite' as const, path: join(directory, 'scale.db') };
    const sqliteConfig = join(directory, 'sqlite.yaml');
    writeFileSync(sqliteConfig, `backends:\n  local: { vendor: native, store: ${JSON.stringify(sqliteStore)} }\n`);
    const postgresStore = { driver: 'postgres' as const, url: database.url };
    const postgresConfig = join(directory, 'postgres.yaml');
    writeFileSync(postgresConfig, `backends:\n  local: { vendor: native, store: ${JSON.stringify(postgresStore)} }\n`);

    const bare = await start(['bench/bare-server.ts'], /listening (http:\/\/\S+)/);
    const bareGet = await throughput(bare.url, 'GET', '/v1/users/bench_a/relations/bench_b');
    const barePut = await throughput(bare.url, 'PUT', '/v1/users/bench_a/friends/bench_b', { alias: 'Bee' });
    await stop(bare.child);
    const results = { sqlite: await measureStore(sqliteConfig, sqliteStore), postgres: await measureStore(postgresConfig, postgresStore) };

    const lines = [`native store at scale (friends page, limit 100, ${PAGE_READS} reads per size from random positions, the sizes in turn; ${SECONDS} s per throughput run, ${CONNECTIONS} connections):`];
    for (const [name, result] of Object.entries(results)) {
      const ratio = result.pages[100_000]! / result.pages[10]!;
      lines.push(
        `  ${name.padEnd(8)} page p50: ${SIZES.map((size) => `${size.toLocaleString('en')} → ${result.pages[size]!.toFixed(2)} ms`).join(', ')}   100,000 / 10 = ${ratio.toFixed(2)} (target <= 1.50) ${ratio <= 1.5 ? 'ok' : 'MISSED'}`,
      );
    }
    lines.push(
      rate('bare express GET relation', bareGet),
      rate('native/sqlite GET relation', results.sqlite.get),
      rate('native/postgres GET relation', results.postgres.get),
      rate('bare express PUT friend', barePut),
      rate('native/sqlite PUT friend', results.sqlite.put),
      rate('native/postgres PUT friend', results.postgres.put),
      '',
    );
    return lines.join('\n');
  } finally {
    await database.drop().catch(() => undefined);
    await postgres.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

// Run alone: `node --import tsx bench/store-scale.ts`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  measureStoreScale()
    .then((report) => process.stdout.write(`${report}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`store-scale bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
