/**
 * A migration from one backend to another: read the source graph, plan and pre-flight it
 * against the target, stop before any write when a gap is not allowed, copy in the guide's
 * order with a checkpoint (a rerun continues a killed run without sending a write twice), then
 * read the target back and report every difference.
 */
import { ImBridgeError, isOptionSupported, roomCapability, type Backend, type RoomKind } from '../spec/index.js';
import { Checkpoint } from './checkpoint.js';
import { FACET_ORDER, planMigration, redoableWhole, type Gap, type MigrationFacet, type MigrationStep, type StepContext } from './migration-plan.js';
import type { MigrationProgress } from './migration-progress.js';
import { mapLimited } from '../runtime/index.js';
import { readGraph, roomIds, userIds, type RoomId } from './social-graph.js';
import { verifyMigration, type Difference } from './verify-migration.js';
import { withRetries } from './with-retries.js';

export interface MigrateOptions {
  source: Backend;
  target: Backend;
  /** Config names, for the report. */
  from: string;
  to: string;
  users?: readonly string[];
  rooms?: readonly RoomId[];
  idMap: ReadonlyMap<string, string>;
  onGap: 'skip' | 'fail';
  dryRun: boolean;
  checkpointPath: string;
  concurrency: number;
  progress: MigrationProgress;
  now?: () => number;
}

export type MigrationResult = 'verified' | 'differences' | 'gaps' | 'failed' | 'planned';

export interface MigrationReport {
  from: string;
  to: string;
  dryRun: boolean;
  result: MigrationResult;
  startedAt: string;
  finishedAt: string;
  outOfScope: string;
  scope: { users: number; rooms: number; unreadable: string[]; unlistedRoomKinds: RoomKind[] };
  gaps: Gap[];
  planned: Record<MigrationFacet, number>;
  written: Record<MigrationFacet, number>;
  /** Steps a previous run finished (skipped), and begun ones the target already held. */
  resumed: { alreadyDone: number; foundOnTarget: number };
  failures: Array<{ step: string; code: string; message: string }>;
  /** Rooms whose target id differs from the source id. */
  roomIds: Record<string, string>;
  verify: { differences: number; samples: Difference[] } | null;
  /** Wall time of each phase, in ms. */
  timings: { readMs: number; writeMs: number; verifyMs: number };
}

function zero(): Record<MigrationFacet, number> {
  return Object.fromEntries(FACET_ORDER.map((facet) => [facet, 0])) as Record<MigrationFacet, number>;
}

export async function runMigration(options: MigrateOptions): Promise<MigrationReport> {
  const startedAt = new Date().toISOString();
  const now = options.now ?? Date.now;
  const { source, target } = options;
  const readStarted = performance.now();
  const users = await userIds(source, options.users);
  const { rooms, unlisted } = await roomIds(source, options.rooms);
  const graph = await readGraph(source, users, rooms, options.concurrency);
  const plan = planMigration(graph, target, { idMap: options.idMap, now: now() });
  const report: MigrationReport = {
    from: options.from,
    to: options.to,
    dryRun: options.dryRun,
    result: 'planned',
    startedAt,
    finishedAt: startedAt,
    outOfScope: 'conversations and messages are not migrated; friend, block and membership times (`since`) cannot be set through the API and start anew',
    scope: { users: users.length, rooms: rooms.length, unreadable: graph.unreadable, unlistedRoomKinds: unlisted },
    gaps: plan.gaps,
    planned: plan.counts,
    written: zero(),
    resumed: { alreadyDone: 0, foundOnTarget: 0 },
    failures: [],
    roomIds: {},
    verify: null,
    timings: { readMs: Math.round(performance.now() - readStarted), writeMs: 0, verifyMs: 0 },
  };
  const finish = (result: MigrationResult) => {
    report.result = result;
    report.finishedAt = new Date().toISOString();
    return report;
  };
  if (options.dryRun) return finish('planned');
  if (plan.gaps.length > 0 && options.onGap === 'fail') return finish('gaps');

  const checkpoint = new Checkpoint(options.checkpointPath);
  const createdIds = new Map<string, string>();
  const roomKey = (kind: RoomKind, id: string) => `${kind}\u0000${id}`;
  const choosesId = (kind: RoomKind) => isOptionSupported(target.capabilities, roomCapability(kind, 'create'), 'id');
  const roomId = (kind: RoomKind, sourceId: string): string | undefined =>
    createdIds.get(roomKey(kind, sourceId)) ?? (choosesId(kind) ? (options.idMap.get(sourceId) ?? sourceId) : undefined);
  const context: StepContext = {
    target,
    roomId: (kind, sourceId) => {
      const id = roomId(kind, sourceId);
      if (id === undefined) throw new Error(`${kind} ${sourceId} was not created on the target`);
      return id;
    },
  };
  for (const step of plan.steps) {
    if (step.creates && checkpoint.done.has(step.key)) {
      const result = checkpoint.done.get(step.key);
      if (result) createdIds.set(roomKey(step.creates.kind, step.creates.id), result);
    }
  }

  const runStep = async (step: MigrationStep) => {
    if (checkpoint.done.has(step.key)) {
      report.resumed.alreadyDone += 1;
      return;
    }
    try {
      // Begun by a killed run: its write may have landed; if so, record it instead of resending.
      if (checkpoint.begun.has(step.key) && (await withRetries(() => step.present(context)))) {
        checkpoint.finish(step.key);
        report.resumed.foundOnTarget += 1;
        return;
      }
      checkpoint.start(step.key);
      const result = await withRetries(() => step.run(context), { partial: redoableWhole(step, target) });
      if (step.creates && typeof result === 'string') createdIds.set(roomKey(step.creates.kind, step.creates.id), result);
      checkpoint.finish(step.key, typeof result === 'string' ? result : undefined);
      report.written[step.facet] += 1;
    } catch (error) {
      report.failures.push({ step: step.key, code: error instanceof ImBridgeError ? error.code : 'ERROR', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const writeStarted = performance.now();
  for (const facet of FACET_ORDER) {
    const steps = plan.steps.filter((step) => step.facet === facet);
    if (steps.length === 0) continue;
    const bar = options.progress.facet(facet, steps.length);
    await mapLimited(steps, options.concurrency, async (step) => {
      await runStep(step);
      bar.advance();
    });
    bar.stop();
  }
  options.progress.close();
  report.timings.writeMs = Math.round(performance.now() - writeStarted);

  for (const [key, id] of createdIds) {
    const [kind, sourceId] = key.split('\u0000') as [RoomKind, string];
    if (id !== sourceId) report.roomIds[`${kind} ${sourceId}`] = id;
  }
  const verifyStarted = performance.now();
  const differences = await verifyMigration(target, plan.expected, roomId, options.concurrency);
  report.timings.verifyMs = Math.round(performance.now() - verifyStarted);
  report.verify = { differences: differences.length, samples: differences.slice(0, 100) };
  if (report.failures.length > 0) return finish('failed');
  return finish(differences.length > 0 ? 'differences' : 'verified');
}
