/**
 * `imbridge migrate --config cfg.yaml --from A --to B [flags]`: moves the social graph of
 * backend A to backend B (see README "Moving an app"). Exit 0 when B was read back holding A's
 * graph (declared gaps aside) or, with --dry-run, when the plan was written; 1 when the
 * pre-flight found gaps under `--on-gap fail`, a write failed or B differs; 2 usage; 78 config.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { createCoordination } from '../coordination/index.js';
import { createBackends } from '../server/create-backends.js';
import { createLogger } from '../server/create-logger.js';
import { ChangeLog } from '../server/change-log.js';
import { createProgress } from '../migrate/migration-progress.js';
import { runMigration, type MigrationReport } from '../migrate/run-migration.js';
import type { RoomId } from '../migrate/social-graph.js';

function lines(path: string, flag: string, usage: (message: string) => never): string[] {
  if (!existsSync(path)) usage(`${flag}: no file ${path}`);
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `--rooms` lines: `id` (a group) or `group:id` / `chatroom:id`. */
function roomLines(path: string, usage: (message: string) => never): RoomId[] {
  return lines(path, '--rooms', usage).map((line) => {
    const match = /^(group|chatroom):(.+)$/.exec(line);
    return match ? { kind: match[1] as RoomId['kind'], id: match[2]! } : { kind: 'group', id: line };
  });
}

/** `--id-map` lines: `old new` (space, tab or comma between). */
function idMap(path: string, usage: (message: string) => never): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines(path, '--id-map', usage)) {
    const [from, to, ...rest] = line.split(/[\s,]+/);
    if (!from || !to || rest.length > 0) usage(`--id-map: "${line}" is not "old new"`);
    map.set(from, to);
  }
  return map;
}

function summary(report: MigrationReport): string {
  const out = [`migrate ${report.from} → ${report.to}${report.dryRun ? ' (dry run: nothing written)' : ''}: ${report.result}`];
  out.push(`  read: ${report.scope.users} users, ${report.scope.rooms} rooms${report.scope.unreadable.length ? `; not listable on the source: ${report.scope.unreadable.join(', ')}` : ''}`);
  out.push(`  planned: ${Object.entries(report.planned).map(([facet, count]) => `${facet} ${count}`).join(', ')}`);
  if (!report.dryRun) out.push(`  written: ${Object.entries(report.written).map(([facet, count]) => `${facet} ${count}`).join(', ')}; from a previous run: ${report.resumed.alreadyDone} done, ${report.resumed.foundOnTarget} found on the target`);
  for (const gap of report.gaps) out.push(`  gap (${gap.facet}): ${gap.count} ${gap.what}; e.g. ${gap.samples.join(', ')}`);
  for (const failure of report.failures.slice(0, 20)) out.push(`  failed: ${failure.step}: ${failure.code} ${failure.message}`);
  if (report.verify) {
    out.push(`  verify: ${report.verify.differences} differences`);
    for (const difference of report.verify.samples.slice(0, 20)) out.push(`    ${difference.facet} ${difference.key}: expected ${JSON.stringify(difference.expected)}, found ${JSON.stringify(difference.found)}`);
  }
  if (report.result === 'gaps') out.push('  nothing written: the target cannot hold the gaps above (--on-gap skip copies the rest)');
  out.push(`  ${report.outOfScope}`);
  return `${out.join('\n')}\n`;
}

/** The flags of `imbridge migrate`, as the command line gave them. */
export interface MigrateFlags {
  config?: string;
  from?: string;
  to?: string;
  dryRun?: boolean;
  users?: string;
  rooms?: string;
  checkpoint?: string;
  concurrency?: string;
  report?: string;
  idMap?: string;
  onGap?: string;
}

export async function migrate(flags: MigrateFlags, usage: (message: string) => never): Promise<number> {
  const values = { ...flags, concurrency: flags.concurrency ?? '8', onGap: flags.onGap ?? 'fail', dryRun: flags.dryRun ?? false };
  if (!values.config) usage('--config is required');
  if (!values.from || !values.to) usage('--from and --to are required');
  if (values.from === values.to) usage('--from and --to name the same backend');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) usage(`--concurrency: "${values.concurrency}" is not an integer from 1 to 256`);
  const onGap = values.onGap;
  if (onGap !== 'skip' && onGap !== 'fail') usage(`--on-gap: "${onGap}" is not skip or fail`);
  const config = loadConfig(values.config);
  for (const name of [values.from, values.to]) {
    if (!config.backends[name]) usage(`no backend named "${name}" in ${values.config}; it has: ${Object.keys(config.backends).join(', ')}`);
  }
  const users = values.users ? lines(values.users, '--users', usage) : undefined;
  const rooms = values.rooms ? roomLines(values.rooms, usage) : undefined;
  const map = values.idMap ? idMap(values.idMap, usage) : new Map<string, string>();
  const checkpointPath = values.checkpoint ?? `./data/migrate-${values.from}-${values.to}.checkpoint`;

  // Only the two backends (and those they are made of, such as a mirror's sides).
  // With the serving instances' coordination, the times this run stamps on new entries (vendors
  // that keep none) are the ones they answer afterwards.
  const coordination = await createCoordination(config.coordination);
  const backends = await createBackends(config.backends, { logger: createLogger('silent'), changes: new ChangeLog(), state: coordination.state, only: [values.from, values.to] }).catch(
    async (error: unknown) => {
      await coordination.close();
      throw error;
    },
  );
  try {
    const report = await runMigration({
      source: backends.get(values.from)!,
      target: backends.get(values.to)!,
      from: values.from,
      to: values.to,
      ...(users ? { users } : {}),
      ...(rooms ? { rooms } : {}),
      idMap: map,
      onGap,
      dryRun: values.dryRun,
      checkpointPath,
      concurrency,
      progress: createProgress(),
    });
    const reportPath = values.report ?? (report.dryRun ? `./data/migrate-${values.from}-${values.to}.plan.json` : undefined);
    if (reportPath) {
      mkdirSync(dirname(reportPath), { recursive: true });
      writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    }
    process.stdout.write(summary(report));
    return report.result === 'verified' || report.result === 'planned' ? 0 : 1;
  } finally {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
    await coordination.close();
  }
}
