/**
 * `imbridge migrate` killed (SIGKILL) three times part-way and run again: the target ends as
 * an uninterrupted migration leaves it, and no write reached it twice. The only vendor requests
 * that may repeat are those of a step a killed run had begun but not finished (its checkpoint
 * says so); every repeated request is matched to such a step by the ids it names.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { createBackends } from '../../src/server/create-backends.js';
import { createLogger } from '../../src/server/create-logger.js';
import { readGraph } from '../../src/migrate/social-graph.js';
import { startFake, type RunningWukongimFake } from '../../adapters/wukongim/fake/index.js';
import { PROJECT_ROOT, runToExit } from '../support/spawn-imbridge.js';
import { seedGraph, type SeededGraph } from './seed-graph.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-resume-'));
const database = join(directory, 'source.db');
let seeded: SeededGraph;
let killedTarget: RunningWukongimFake;
let referenceTarget: RunningWukongimFake;

function config(name: string, fake: RunningWukongimFake): string {
  const path = join(directory, `${name}.yaml`);
  writeFileSync(path, `defaultBackend: source\nbackends:\n  source: { vendor: native, store: { driver: sqlite, path: ${JSON.stringify(database)} } }\n  target: ${JSON.stringify(fake.backendConfig)}\n`);
  return path;
}

function lists(): { users: string; rooms: string } {
  const users = join(directory, 'users.txt');
  const rooms = join(directory, 'rooms.txt');
  writeFileSync(users, `${seeded.users.join('\n')}\n`);
  writeFileSync(rooms, `${seeded.rooms.join('\n')}\n`);
  return { users, rooms };
}

function doneLines(checkpoint: string): number {
  if (!existsSync(checkpoint)) return 0;
  return readFileSync(checkpoint, 'utf8').split('\n').filter((line) => line.startsWith('{"done"')).length;
}

/** Starts a migration and SIGKILLs it once the checkpoint has `after` finished steps. */
function killAfter(args: string[], checkpoint: string, after: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
    const timer = setInterval(() => {
      if (doneLines(checkpoint) >= after) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 5);
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the migration ended by itself (${code}) before it was killed at ${after}`));
    });
  });
}

/** Steps begun but not finished in the checkpoint right now. */
function inFlight(checkpoint: string): string[] {
  const begun = new Set<string>();
  for (const line of readFileSync(checkpoint, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { start?: string; done?: string };
      if (entry.start) begun.add(entry.start);
      if (entry.done) begun.delete(entry.done);
    } catch {
      // a torn last line
    }
  }
  return [...begun];
}

/** Vendor writes: every POST but the reads WuKongIM serves over POST. */
function writes(fake: RunningWukongimFake): string[] {
  return (fake.control.requests as Array<{ method: string; path: string; rawBody: string }>)
    .filter((request) => request.method === 'POST' && request.path !== '/conversation/sync')
    .map((request) => `${request.path} ${request.rawBody}`);
}

beforeAll(async () => {
  const source = (await createBackends(validateConfig({ defaultBackend: 's', backends: { s: { vendor: 'native', store: { driver: 'sqlite', path: database } } } }, {}).backends, { logger: createLogger('silent'), changes: { emit() {} } })).get('s')!;
  seeded = await seedGraph(source, { users: 200, friendships: 800, blocks: 150, rooms: 8, membersPerRoom: 6 }, 'rs');
  await source.close();
  killedTarget = await startFake({ port: 0 });
  referenceTarget = await startFake({ port: 0 });
}, 120_000);

afterAll(async () => {
  await killedTarget?.close();
  await referenceTarget?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('imbridge migrate, killed and resumed', () => {
  it('ends in the same state as an uninterrupted run, with no write sent twice', async () => {
    const { users, rooms } = lists();
    const checkpoint = join(directory, 'killed.checkpoint');
    const common = ['--from', 'source', '--to', 'target', '--users', users, '--rooms', rooms, '--concurrency', '4', '--on-gap', 'skip'];
    const args = ['migrate', '--config', config('killed', killedTarget), ...common, '--checkpoint', checkpoint];

    const plan = await runToExit(['migrate', '--config', config('killed', killedTarget), ...common, '--dry-run', '--report', join(directory, 'plan.json')]);
    expect(plan.code, plan.stderr).toBe(0);
    const counts = (JSON.parse(readFileSync(join(directory, 'plan.json'), 'utf8')) as { planned: Record<string, number> }).planned;
    const planned = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const roomsStart = counts.users! + counts.friends! + counts.blocks! + counts['user whitelists']!;
    expect(writes(killedTarget)).toEqual([]);

    const begunAtKill: string[] = [];
    // The last kill falls among the room steps, whose creates are not idempotent.
    for (const after of [Math.floor(planned * 0.3), Math.floor(planned * 0.6), roomsStart + Math.floor((planned - roomsStart) / 2)]) {
      await killAfter(args, checkpoint, after);
      begunAtKill.push(...inFlight(checkpoint));
    }
    const final = await runToExit(args);
    expect(final.code, `${final.stdout}\n${final.stderr}`).toBe(0);
    expect(final.stdout).toContain(': verified');

    const reference = await runToExit(['migrate', '--config', config('reference', referenceTarget), ...common, '--checkpoint', join(directory, 'reference.checkpoint')]);
    expect(reference.code, reference.stdout).toBe(0);

    // Same state: both targets read back through the unified API (times aside).
    const read = async (fake: RunningWukongimFake) => {
      const backend = (await createBackends(validateConfig({ defaultBackend: 't', backends: { t: fake.backendConfig } }, {}).backends, { logger: createLogger('silent'), changes: { emit() {} } })).get('t')!;
      const graph = await readGraph(backend, seeded.users, seeded.rooms.map((id) => ({ kind: 'group' as const, id })));
      await backend.close();
      // Lists come in the order the writes landed, which concurrency varies: compare them as sets.
      const lines = [
        ...graph.users.map((user) => `user ${JSON.stringify(user)}`),
        ...graph.friendships.map(({ since: _since, ...entry }) => `friend ${JSON.stringify(entry)}`),
        ...graph.blocks.map((block) => `block ${block.uid} ${block.blocked}`),
        ...graph.rooms.flatMap((room) => [
          `room ${JSON.stringify(room.room)}`,
          ...room.members.map((member) => `member ${room.room.id} ${JSON.stringify(member)}`),
          `room lists ${room.room.id} ${[...room.whitelist].sort().join(',')} / ${[...room.bans].sort().join(',')}`,
        ]),
      ];
      return lines.sort();
    };
    const [killedState, referenceState] = [await read(killedTarget), await read(referenceTarget)];
    const missing = referenceState.filter((line) => !killedState.includes(line));
    const extra = killedState.filter((line) => !referenceState.includes(line));
    expect({ missing: missing.slice(0, 10), extra: extra.slice(0, 10) }).toEqual({ missing: [], extra: [] });
    expect(killedState.length).toBeGreaterThan(1_000);

    // No write twice, but for those of a step a kill interrupted.
    const sent = new Map<string, number>();
    for (const request of writes(killedTarget)) sent.set(request, (sent.get(request) ?? 0) + 1);
    const referenceCounts = new Map<string, number>();
    for (const request of writes(referenceTarget)) referenceCounts.set(request, (referenceCounts.get(request) ?? 0) + 1);
    const idsOf = (key: string) => key.split(' ').filter((part) => /_(u|g)\d+$/.test(part));
    const unexplained = [...sent]
      .filter(([request, count]) => count > (referenceCounts.get(request) ?? 0))
      .map(([request]) => request)
      .filter((request) => !begunAtKill.some((step) => idsOf(step).every((id) => request.includes(id))));
    expect(unexplained).toEqual([]);
    expect(begunAtKill.length).toBeLessThanOrEqual(3 * 4);
  }, 300_000);
});
