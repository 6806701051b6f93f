// Stopping what `npm start` or `npx imbridge …` started frees its port: npm passes no SIGTERM on
// to the command it runs, so the server and the fakes follow npm out themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBin } from '../support/built-package.js';
import { PROJECT_ROOT } from '../support/spawn-imbridge.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-stop-'));
const config = join(directory, 'memory.yaml');
const started: ChildProcess[] = [];

beforeAll(() => {
  ensureBuilt();
  writeFileSync(config, 'defaultBackend: local\nbackends:\n  local: { vendor: native, store: { driver: memory } }\n');
}, 120_000);
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

function npm(args: string[]): ChildProcess {
  const child = spawn('npm', args, {
    cwd: PROJECT_ROOT,
    // npx's own cache in the scratch folder, so a run leaves nothing in ~/.npm.
    env: { ...process.env, IMBRIDGE_CONFIG: config, PORT: '0', LOG_LEVEL: 'info', npm_config_cache: join(directory, 'npm-cache'), npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return child;
}

function output(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 60 s:\n${text}`)), 60_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Milliseconds until nothing accepts on `port` any more (at most 10 s). */
async function untilFreed(port: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < 10_000) {
    if (!(await accepts(port))) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} still accepts connections 10 s after the stop`);
}

describe('stopping frees the port', () => {
  it('`kill <npm pid>` of `npm start`: the server stops and its port is free', async () => {
    const child = npm(['start']);
    const port = Number((await output(child, /"url":"http:\/\/127\.0\.0\.1:(\d+)"/))[1]);
    expect(await accepts(port)).toBe(true);
    child.kill('SIGTERM');
    expect(await untilFreed(port)).toBeLessThan(5_000);
  }, 90_000);

  it('`kill <npx pid>` of `npx imbridge fake openim`: the fake stops and its port is free', async () => {
    const child = npm(['exec', '--', 'imbridge', 'fake', 'openim', '--port', '0']);
    const port = Number((await output(child, /"baseUrl":"http:\/\/127\.0\.0\.1:(\d+)"/))[1]);
    expect(await accepts(port)).toBe(true);
    child.kill('SIGTERM');
    expect(await untilFreed(port)).toBeLessThan(5_000);
  }, 90_000);

  it('Ctrl-C (SIGINT) of `imbridge serve`: it stops, exits 0, and its port is free', async () => {
    const child = runBin(['serve', '--config', config], { PORT: '0' });
    started.push(child);
    const port = Number((await output(child, /"url":"http:\/\/127\.0\.0\.1:(\d+)"/))[1]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await accepts(port)).toBe(false);
  }, 90_000);
});
