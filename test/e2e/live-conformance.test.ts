// `imbridge conformance` against a "live" deployment: a vendor fake started as its own process,
// reached only through the config, checked through the vendor's live backdoor over HTTP.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstLine, runCli, runToExit } from '../support/spawn-imbridge.js';
import { parseFixture } from '../../src/testing/index.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-live-'));
let fake: ChildProcess;
let block: Record<string, unknown>;

function config(name: string, overrides: Record<string, unknown> = {}): string {
  const path = join(directory, `${name}.yaml`);
  writeFileSync(path, `defaultBackend: wk\nbackends:\n  wk: ${JSON.stringify({ ...block, ...overrides })}\n`);
  return path;
}

beforeAll(async () => {
  fake = runCli(['fake', 'wukongim', '--port', '0']);
  block = JSON.parse(await firstLine(fake)) as Record<string, unknown>;
}, 30_000);

afterAll(() => {
  fake?.kill('SIGTERM');
  rmSync(directory, { recursive: true, force: true });
});

describe('imbridge conformance', () => {
  it('runs the chosen facets, prints the table, writes the report and the recording, exits 0', async () => {
    const report = join(directory, 'report.md');
    const recording = join(directory, 'recording');
    const run = await runToExit(['conformance', '--config', config('good'), '--backend', 'wk', '--facet', 'users', '--facet', 'friends', '--report', report, '--record', recording]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\| users \| 6 \| 0 \| 0 \|/);
    expect(run.stdout).toMatch(/\| friends \| \d+ \| 0 \| \d+ \|/);
    expect(run.stdout).not.toContain('| blocks |');
    expect(readFileSync(report, 'utf8')).toBe(run.stdout);
    const files = readdirSync(recording).sort();
    expect(files).toEqual(['friends.json', 'users.json']);
    const users = parseFixture(readFileSync(join(recording, 'users.json'), 'utf8'));
    expect(users.vendor).toBe('wukongim');
    expect(users.exchanges.length).toBeGreaterThan(10);
    // Credentials never reach a fixture: not the header, not its value anywhere.
    expect(users.exchanges.every((exchange) => exchange.request.credentials)).toBe(true);
    expect(readFileSync(join(recording, 'users.json'), 'utf8')).not.toContain(String(block.token));
  }, 120_000);

  it('exits 1 and names the failures when the deployment refuses imbridge', async () => {
    const run = await runToExit(['conformance', '--config', config('bad-token', { token: 'not-the-token' }), '--backend', 'wk', '--facet', 'users']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\| users \| 0 \| 6 \| 0 \|/);
    expect(run.stdout).toContain('## Failures');
  }, 120_000);

  it('is a usage error (exit 2) for an unknown backend or facet, and without --config', async () => {
    expect((await runToExit(['conformance', '--config', config('good'), '--backend', 'nope'])).code).toBe(2);
    expect((await runToExit(['conformance', '--backend', 'wk'])).code).toBe(2);
    const unknownFacet = await runToExit(['conformance', '--config', config('good'), '--backend', 'wk', '--facet', 'nope']);
    expect(unknownFacet.code).toBe(2);
    expect(unknownFacet.stderr).toContain('no facet named "nope"');
  }, 60_000);
});
