/**
 * The compiled package (dist/), as users run it. `npm test` builds it first (pretest); a test file
 * run alone builds it when missing or stale (the build does nothing when its inputs are unchanged).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './spawn-imbridge.js';

export const BIN = join(PROJECT_ROOT, 'bin', 'imbridge.js');

export function ensureBuilt(): void {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs')], { cwd: PROJECT_ROOT, stdio: 'pipe' });
}

/** Runs the compiled `imbridge` bin with plain Node, no TypeScript loader. */
export function runBin(args: string[], environment: NodeJS.ProcessEnv = {}, cwd = PROJECT_ROOT): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function binToExit(args: string[], environment: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = runBin(args, environment);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
