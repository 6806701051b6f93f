/**
 * A Redis server for tests: the one `IMBRIDGE_TEST_REDIS_URL` names, or a throwaway
 * `redis-server` (Debian: apt-get install redis-server) on a free loopback port, without
 * persistence, in a temporary folder removed afterwards. Each test keeps to its own key prefix.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startRedisServer(binary = process.env.IMBRIDGE_REDIS_SERVER ?? 'redis-server'): Promise<RedisServer> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Kept for the error below: redis-server says on stderr why it would not start.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  let failure: Error | undefined;
  child.once('error', (error) => {
    failure = new Error(`cannot start ${binary} (${error.message}); install Redis (Debian: apt-get install redis-server) or set IMBRIDGE_TEST_REDIS_URL`);
  });
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (failure) throw failure;
    if (child.exitCode !== null) throw new Error(`${binary} exited with code ${child.exitCode} before answering: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${binary} did not answer on 127.0.0.1:${port} within 10 s`);
    }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The server tests use: `IMBRIDGE_TEST_REDIS_URL` if set, else a throwaway one. */
export async function testRedisServer(): Promise<RedisServer> {
  const given = process.env.IMBRIDGE_TEST_REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  return startRedisServer();
}
