/**
 * Migration throughput, in relations per second of the copy phase (friend entries, blocks,
 * memberships, roles, mutes, whitelist entries and bans), native → native (SQLite) and native →
 * each vendor fake, each beside a bare loop sending the very same unified calls (the plan's
 * steps, same concurrency, waiting out 429s alike, no checkpoint, no progress) to a fresh target in the same
 * run: the ratio is what `imbridge migrate` costs over the calls themselves.
 *
 *   node --import tsx bench/migration-throughput.ts   (also run by `npm run bench`)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/load-config.js';
import { createBackends } from '../src/server/create-backends.js';
import { createLogger } from '../src/server/create-logger.js';
import { runMigration } from '../src/migrate/run-migration.js';
import { planMigration, redoableWhole, type StepContext } from '../src/migrate/migration-plan.js';
import { createProgress } from '../src/migrate/migration-progress.js';
import { mapLimited } from '../src/runtime/index.js';
import { withRetries } from '../src/migrate/with-retries.js';
import { readGraph, type SocialGraph } from '../src/migrate/social-graph.js';
import type { Backend } from '../src/spec/index.js';
import { seedGraph } from '../test/migrate/seed-graph.js';

const CONCURRENCY = 16;
const ROOT = new URL('..', import.meta.url).pathname;
const SIZES = { users: 1_000, friendships: 5_000, blocks: 1_000, rooms: 20, membersPerRoom: 20 };

async function backend(block: Record<string, unknown>): Promise<Backend> {
  const config = validateConfig({ defaultBackend: 'b', backends: { b: block } }, {});
  return (await createBackends(config.backends, { logger: createLogger('silent'), changes: { emit() {} } })).get('b')!;
}

function relations(graph: SocialGraph): number {
  return (
    graph.friendships.length +
    graph.blocks.length +
    graph.rooms.reduce((sum, room) => sum + room.members.length + room.mutes.length + room.whitelist.length + room.bans.length, 0)
  );
}

async function bareLoop(graph: SocialGraph, target: Backend): Promise<number> {
  const plan = planMigration(graph, target, { idMap: new Map(), now: Date.now() });
  const created = new Map<string, string>();
  const context: StepContext = { target, roomId: (kind, id) => created.get(`${kind}/${id}`) ?? id };
  const started = performance.now();
  for (const facet of new Set(plan.steps.map((step) => step.facet))) {
    await mapLimited(
      plan.steps.filter((step) => step.facet === facet),
      CONCURRENCY,
      async (step) => {
        // Waiting out a vendor's 429 as migrate does, also one between two calls of a multi-call
        // write (redone whole where it may be): a bare loop that fails on the first one measures nothing.
        const result = await withRetries(() => step.run(context), { partial: redoableWhole(step, target) });
        if (step.creates && typeof result === 'string') created.set(`${step.creates.kind}/${step.creates.id}`, result);
      },
    );
  }
  return performance.now() - started;
}

/** The vendor fakes measured, by the name `imbridge fake` takes. */
const FAKES: ReadonlyArray<[string, string]> = [
  ['wukongim', 'WuKongIM'],
  ['openim', 'OpenIM'],
  ['agora', 'Agora'],
  ['wildfire', 'Wildfire'],
];

/** A vendor fake in its own process (the vendor runs elsewhere in production, not in this event loop) and a backend on it. */
async function fakeTarget(vendor: string, closers: Array<() => Promise<void>>): Promise<Backend> {
  const fake = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'fake', vendor, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  closers.push(async () => void fake.kill('SIGTERM'));
  const block = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let output = '';
    fake.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(JSON.parse(output.slice(0, output.indexOf('\n'))) as Record<string, unknown>);
    });
    fake.once('exit', (code) => reject(new Error(`the ${vendor} fake exited with ${code}`)));
  });
  return backend({ ...block, timeoutMs: 10_000 });
}

export interface ThroughputLine {
  label: string;
  relations: number;
  migrateMs: number;
  bareMs: number;
}

export async function measureMigrationThroughput(): Promise<ThroughputLine[]> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-bench-migrate-'));
  const closers: Array<() => Promise<void>> = [];
  try {
    const source = await backend({ vendor: 'native', store: { driver: 'sqlite', path: join(directory, 'source.db') } });
    closers.push(() => source.close());
    const seeded = await seedGraph(source, SIZES, 'bm');
    const rooms = seeded.rooms.map((id) => ({ kind: 'group' as const, id }));
    const graph = await readGraph(source, seeded.users, rooms);
    const lines: ThroughputLine[] = [];
    const targets: Array<[string, () => Promise<Backend>]> = [
      ['native → native (sqlite)', async () => backend({ vendor: 'native', store: { driver: 'sqlite', path: join(directory, `target-${Math.random()}.db`) } })],
      ...FAKES.map(([vendor, label]) => [`native → ${label} fake (own process)`, () => fakeTarget(vendor, closers)] as [string, () => Promise<Backend>]),
    ];
    for (const [label, make] of targets) {
      const bareTarget = await make();
      closers.push(() => bareTarget.close());
      const bareMs = await bareLoop(graph, bareTarget);
      const target = await make();
      closers.push(() => target.close());
      const report = await runMigration({
        source,
        target,
        from: 'source',
        to: 'target',
        users: seeded.users,
        rooms,
        idMap: new Map(),
        onGap: 'skip',
        dryRun: false,
        checkpointPath: join(directory, `${lines.length}.checkpoint`),
        concurrency: CONCURRENCY,
        progress: createProgress(process.stderr, true),
      });
      if (report.result !== 'verified') throw new Error(`${label}: the migration ended ${report.result}`);
      lines.push({ label, relations: relations(graph), migrateMs: report.timings.writeMs, bareMs });
    }
    return lines;
  } finally {
    for (const close of closers.reverse()) await close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export function formatThroughput(lines: readonly ThroughputLine[]): string {
  const rows = lines.map((line) => {
    const migrate = line.relations / (line.migrateMs / 1000);
    const bare = line.relations / (line.bareMs / 1000);
    return `| ${line.label} | ${line.relations} | ${migrate.toFixed(0)} relations/s (${(line.migrateMs / 1000).toFixed(2)} s) | ${bare.toFixed(0)} relations/s | ${(migrate / bare).toFixed(2)}× |`;
  });
  return ['| migration | relations | imbridge migrate (copy phase) | bare loop of the same calls | ratio |', '|---|---:|---:|---:|---:|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatThroughput(await measureMigrationThroughput())}\n`);
}
