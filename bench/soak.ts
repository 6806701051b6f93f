/**
 * `npm run soak`: imbridge held at a fixed offered load for a long time, to show it does not
 * leak. One imbridge process serves two backends — native (SQLite file) and the WuKongIM fake
 * (its own process) — and each gets `--rate` requests/s (default 300) of a read/write mix for
 * `--minutes` (default 10). The imbridge process's RSS is sampled every 10 s; growth is measured
 * from the end of the warm-up (the first fifth of the run) to the end.
 *
 *   npm run soak -- [--minutes 10] [--rate 300]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '300' } } });
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
if (!(MINUTES > 0) || !(RATE > 0)) throw new Error('--minutes and --rate must be positive numbers');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USERS = 200;
const GROUPS = 10;
const directory = mkdtempSync(join(tmpdir(), 'imbridge-soak-'));
const children: ChildProcess[] = [];

function cli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve(match);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0);
}

const agent = new Agent({ connections: 32, pipelining: 1 });
let base = '';
const counts = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, failed: 0 };

async function call(backend: string, method: string, path: string, body?: unknown): Promise<void> {
  counts.sent += 1;
  try {
    const answer = await request(`${base}${path}`, {
      method: method as 'GET',
      dispatcher: agent,
      headers: { 'x-im-backend': backend, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await answer.body.dump();
    if (answer.statusCode >= 500) counts.serverErrors += 1;
    else if (answer.statusCode >= 400) counts.clientErrors += 1;
    else counts.ok += 1;
  } catch {
    counts.failed += 1;
  }
}

const pick = (limit: number) => Math.floor(Math.random() * limit);
const user = (index = pick(USERS)) => `soak_u${index}`;
const group = (index = pick(GROUPS)) => `soak_g${index}`;

/** 60 % reads, 40 % writes, over a fixed population so the state stays bounded. */
function mixed(backend: string): Promise<void> {
  const roll = Math.random();
  const [a, b] = [user(), user()];
  if (roll < 0.15) return call(backend, 'GET', `/v1/users/${a}`);
  if (roll < 0.3) return call(backend, 'GET', `/v1/users/${a}/friends?limit=20`);
  if (roll < 0.45) return call(backend, 'GET', `/v1/users/${a}/relations/${b}`);
  if (roll < 0.6) return call(backend, 'GET', `/v1/groups/${group()}/members?limit=50`);
  if (roll < 0.68) return call(backend, 'PUT', `/v1/users/${a}`, { name: `n${pick(1_000_000)}` });
  if (roll < 0.76) return a === b ? Promise.resolve() : call(backend, 'PUT', `/v1/users/${a}/friends/${b}`, {});
  if (roll < 0.84) return a === b ? Promise.resolve() : call(backend, 'DELETE', `/v1/users/${a}/friends/${b}`);
  if (roll < 0.92) return call(backend, 'POST', `/v1/groups/${group()}/members`, { uids: [a] });
  return call(backend, 'DELETE', `/v1/groups/${group()}/members/${a}`);
}

async function seed(backend: string): Promise<void> {
  for (let index = 0; index < USERS; index += 1) await call(backend, 'PUT', `/v1/users/${user(index)}`, { name: `user ${index}` });
  for (let index = 0; index < GROUPS; index += 1) await call(backend, 'POST', '/v1/groups', { id: group(index), name: `group ${index}`, owner: user(index) });
}

async function main(): Promise<void> {
  const fake = cli(['fake', 'wukongim', '--port', '0']);
  const block = JSON.parse((await waitFor(fake, /^(\{.*\})\n/m))[1]!) as Record<string, unknown>;
  const config = join(directory, 'soak.yaml');
  writeFileSync(
    config,
    [
      'server: { host: 127.0.0.1, port: 0, logLevel: warn }',
      'defaultBackend: local',
      'backends:',
      `  local: { vendor: native, store: { driver: sqlite, path: ${JSON.stringify(join(directory, 'soak.db'))} } }`,
      `  wk: ${JSON.stringify(block)}`,
      '',
    ].join('\n'),
  );
  const server = cli(['serve', '--config', config]);
  base = (await waitFor(server, /"url":"(http:\/\/[^"]+)"/))[1]!;
  for (const backend of ['local', 'wk']) await seed(backend);

  const durationMs = MINUTES * 60_000;
  const warmUpMs = durationMs / 5;
  const started = Date.now();
  const samples: Array<{ atS: number; rssKiB: number }> = [];
  const sample = () => samples.push({ atS: Math.round((Date.now() - started) / 1000), rssKiB: rssKiB(server.pid!) });
  sample();
  const sampler = setInterval(sample, 10_000);
  // A fixed offered load: every 10 ms, the requests due by now (open loop, so a slow answer
  // does not lower the rate), for both backends.
  let due = 0;
  const ticker = setInterval(() => {
    const target = ((Date.now() - started) / 1000) * RATE;
    while (due < target) {
      due += 1;
      void mixed('local');
      void mixed('wk');
    }
  }, 10);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  clearInterval(ticker);
  clearInterval(sampler);
  sample();

  const atWarmUp = samples.find((entry) => entry.atS * 1000 >= warmUpMs) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const growth = (last.rssKiB - atWarmUp.rssKiB) / atWarmUp.rssKiB;
  // The end sample may catch a collection; the peak after warm-up is the stricter reading.
  const peak = Math.max(...samples.filter((entry) => entry.atS >= atWarmUp.atS).map((entry) => entry.rssKiB));
  const peakGrowth = (peak - atWarmUp.rssKiB) / atWarmUp.rssKiB;
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    [
      `soak: ${MINUTES} min, offered ${RATE} req/s to each of native and the WuKongIM fake (${(counts.sent / seconds).toFixed(0)} req/s sent in all)`,
      `answers: ${counts.ok} 2xx, ${counts.clientErrors} 4xx, ${counts.serverErrors} 5xx, ${counts.failed} without an answer`,
      `RSS: ${(samples[0]!.rssKiB / 1024).toFixed(1)} MiB at start, ${(atWarmUp.rssKiB / 1024).toFixed(1)} MiB after warm-up (${atWarmUp.atS} s), ${(last.rssKiB / 1024).toFixed(1)} MiB at the end: growth ${(growth * 100).toFixed(1)} % (limit 10 %); peak after warm-up ${(peak / 1024).toFixed(1)} MiB (${(peakGrowth * 100).toFixed(1)} %)`,
      `RSS samples (s:MiB): ${samples.map((entry) => `${entry.atS}:${(entry.rssKiB / 1024).toFixed(0)}`).join(' ')}`,
      '',
    ].join('\n'),
  );
  process.exitCode = growth < 0.1 && peakGrowth < 0.1 && counts.serverErrors === 0 && counts.failed === 0 ? 0 : 1;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) child.kill('SIGTERM');
    await agent.close();
    rmSync(directory, { recursive: true, force: true });
  });
