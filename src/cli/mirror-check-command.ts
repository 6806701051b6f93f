/**
 * `imbridge mirror-check --config cfg.yaml --backend NAME [--users FILE] [--rooms FILE] [--report FILE]`:
 * reads both sides of the mirror NAME (its primary and its secondary, built from the same config;
 * never the mirror itself, whose queue the serving process delivers) through the unified API,
 * prints every difference, and exits 0 when there is none, 1 when there are some, and 2 when the
 * check could not be made (a usage error, a side that could not be read).
 *
 * `--users FILE`: the users to compare, one uid per line (blank lines and `#` comments ignored);
 * without it, every user the two sides list, when both can list users. `--rooms FILE`: rooms to
 * compare besides those found in the users' conversations, one `group:<id>` or `chatroom:<id>`
 * per line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { RoomRef } from '../spec/index.js';
import { loadConfig } from '../config/load-config.js';
import { createBackends } from '../server/create-backends.js';
import { createLogger } from '../server/create-logger.js';
import { ChangeLog } from '../server/change-log.js';
import { CannotListUsers, compareBackends, type Comparison } from './compare-backends.js';

export const MIRROR_CHECK_USAGE = 'usage: imbridge mirror-check --config cfg.yaml --backend NAME [--users FILE] [--rooms FILE] [--report FILE]';

/** The lines of a list file that name something: trimmed, without blank lines and `#` comments. */
function listLines(path: string, usage: (message: string) => never): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    usage(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function parseRooms(path: string, usage: (message: string) => never): RoomRef[] {
  return listLines(path, usage).map((line, index) => {
    const match = /^(group|chatroom):(.+)$/.exec(line);
    if (!match) usage(`${path}, line ${index + 1}: "${line}" is not group:<id> or chatroom:<id>`);
    return { kind: match[1] as RoomRef['kind'], id: match[2]! };
  });
}

function formatReport(name: string, sides: { primary: string; secondary: string; vendors: [string, string] }, comparison: Comparison): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const lines = [
    `mirror-check ${name}: primary ${sides.primary} (${sides.vendors[0]}), secondary ${sides.secondary} (${sides.vendors[1]})`,
    `compared ${plural(comparison.users, 'user')} and ${plural(comparison.rooms, 'room')}`,
  ];
  if (comparison.notCompared.length > 0) lines.push(`not compared: ${comparison.notCompared.join('; ')}`);
  if (comparison.differences.length === 0) {
    lines.push('no differences');
  } else {
    lines.push(`${plural(comparison.differences.length, 'difference')}:`, ...comparison.differences.map((difference) => `  - ${difference}`));
    lines.push('Writes still waiting in the mirror\'s queue (imbridge_mirror_queue_depth on /metrics) show here until they are delivered.');
  }
  return `${lines.join('\n')}\n`;
}

/** The flags of `imbridge mirror-check`, as the command line gave them. */
export interface MirrorCheckFlags {
  config?: string;
  backend?: string;
  users?: string;
  rooms?: string;
  report?: string;
}

export async function mirrorCheck(values: MirrorCheckFlags, fail: (message: string) => never): Promise<number> {
  const usage: (message: string) => never = (message) => fail(`${message}\n${MIRROR_CHECK_USAGE}`);
  if (!values.config) usage('--config is required');
  if (!values.backend) usage('--backend is required');
  const config = loadConfig(values.config);
  const block = config.backends[values.backend];
  if (!block) usage(`no backend named "${values.backend}" in ${values.config}; it has: ${Object.keys(config.backends).join(', ')}`);
  if (block.vendor !== 'mirror') usage(`backends.${values.backend} is a ${block.vendor} backend, not a mirror`);
  // The schema of a mirror's block made both names strings.
  const [primaryName, secondaryName] = [block.primary as string, block.secondary as string];
  const users = values.users === undefined ? undefined : listLines(values.users, usage);
  const rooms = values.rooms === undefined ? [] : parseRooms(values.rooms, usage);

  const backends = await createBackends(config.backends, { logger: createLogger('silent'), changes: new ChangeLog(), only: [primaryName, secondaryName] });
  try {
    const primary = backends.get(primaryName)!;
    const secondary = backends.get(secondaryName)!;
    let comparison: Comparison;
    try {
      comparison = await compareBackends(primary, secondary, { ...(users ? { users } : {}), rooms });
    } catch (error) {
      if (error instanceof CannotListUsers) usage(`${error.message} (--users FILE)`);
      // Like diff(1): 1 means "they differ", so a check that could not finish is 2.
      fail(`imbridge mirror-check: could not read both sides: ${error instanceof Error ? error.message : String(error)}`);
    }
    const report = formatReport(values.backend, { primary: primaryName, secondary: secondaryName, vendors: [primary.vendor, secondary.vendor] }, comparison);
    process.stdout.write(report);
    if (values.report) writeFileSync(values.report, report);
    return comparison.differences.length > 0 ? 1 : 0;
  } finally {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
  }
}
