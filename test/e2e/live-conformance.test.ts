// `imbridge conformance` against a "live" deployment: a vendor fake started as its own process,
// reached only through the config, checked through the vendor's live backdoor over HTTP.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstLine, runCli, runToExit, spawnServer, type SpawnedImbridge } from '../support/spawn-imbridge.js';
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

describe('imbridge conformance --url (a running imbridge, from outside)', () => {
  const KEY = 'conformance-key-0123456789abcdef';
  let server: SpawnedImbridge;

  beforeAll(async () => {
    const path = join(directory, 'served.yaml');
    writeFileSync(path, `auth:\n  apiKeys:\n    - { key: "${KEY}", name: suite }\nbackends:\n  local: { vendor: native, store: { driver: memory } }\n`);
    server = await spawnServer(['serve', '--config', path], { LOG_LEVEL: 'warn' });
  }, 30_000);
  afterAll(() => server?.stop());

  it('checks writes through the deployment\'s own API, prints the table and writes JUnit XML, exits 0', async () => {
    const junit = join(directory, 'results.xml');
    const run = await runToExit(['conformance', '--url', server.url, '--facet', 'users', '--facet', 'blocks', '--junit', junit], { IMBRIDGE_API_KEY: KEY });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('checked through its own API');
    const passed = Number(/\| users \| (\d+) \| 0 \| 0 \|/.exec(run.stdout)?.[1]);
    expect(passed).toBeGreaterThan(3);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="imbridge conformance[^"]*" tests="\d+" failures="0"/);
    expect(xml).toContain('<testsuite name="users"');
    expect(xml).toContain('<testsuite name="blocks"');
    expect(xml.match(/<testcase /g)?.length).toBe([...run.stdout.matchAll(/\| (?:users|blocks) \| (\d+) \| (\d+) \| (\d+) \|/g)].reduce((sum, row) => sum + Number(row[1]) + Number(row[2]) + Number(row[3]), 0));
  }, 120_000);

  it('exits 1 with the failures when the key is refused, and 2 for --url with --config or --record', async () => {
    const refused = await runToExit(['conformance', '--url', server.url, '--facet', 'users'], { IMBRIDGE_API_KEY: 'wrong-key-0123456789abcdef' });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('## Failures');
    expect(refused.stdout).toContain('the API key is not valid');
    expect((await runToExit(['conformance', '--url', server.url, '--config', config('good')])).code).toBe(2);
    expect((await runToExit(['conformance', '--url', server.url, '--record', directory])).code).toBe(2);
    expect((await runToExit(['conformance', '--url', 'not a url'])).code).toBe(2);
  }, 120_000);
});
