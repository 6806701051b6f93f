// The Dockerfile's essentials, checked without a Docker engine: a build stage and a run stage, the
// run stage on compiled output as a non-root user with a HEALTHCHECK, node itself as the command
// (npm would swallow SIGTERM), its config valid; hadolint finds nothing (CI installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { PROJECT_ROOT } from '../support/spawn-imbridge.js';

interface Instruction {
  keyword: string;
  argument: string;
}

/** Dockerfile instructions, continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), argument: rest.join(' ') };
    });
}

const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const stageStarts = all.flatMap((instruction, index) => (instruction.keyword === 'FROM' ? [index] : []));
const runStage = all.slice(stageStarts.at(-1));
const buildStages = all.slice(0, stageStarts.at(-1));

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, the run stage starting from a slim Node 20 image', () => {
    expect(stageStarts.length).toBeGreaterThanOrEqual(2);
    expect(all[stageStarts[0]!]!.argument).toMatch(/^node:20[\w.-]* AS build$/);
    expect(runStage[0]!.argument).toMatch(/^node:20[\w.-]*-slim$/);
  });

  it('compiles in the build stage, and keeps only production dependencies', () => {
    const commands = buildStages.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.argument);
    expect(commands.some((command) => /\bnpm ci\b/.test(command))).toBe(true);
    expect(commands.some((command) => /\bnpm run build\b/.test(command))).toBe(true);
    expect(commands.some((command) => /\bnpm prune --omit=dev\b/.test(command))).toBe(true);
  });

  it('runs compiled JavaScript with node as the command, and carries no sources or TypeScript', () => {
    const entrypoint = runStage.find((instruction) => instruction.keyword === 'ENTRYPOINT')!;
    expect(JSON.parse(entrypoint.argument)).toEqual(['node', 'dist/src/cli/main.js']);
    expect(JSON.parse(runStage.find((instruction) => instruction.keyword === 'CMD')!.argument)).toEqual(['serve']);
    const copied = runStage.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.argument);
    expect(copied.some((argument) => /\/app\/dist\b/.test(argument))).toBe(true);
    expect(copied.some((argument) => /\b(src|adapters|tsconfig)\b/.test(argument))).toBe(false);
    expect(runStage.some((instruction) => /\b(tsx|npm (start|run))\b/.test(instruction.argument))).toBe(false);
  });

  it('switches to a non-root user before its command, and checks /healthz', () => {
    const user = runStage.findIndex((instruction) => instruction.keyword === 'USER');
    expect(user).toBeGreaterThan(0);
    expect(runStage[user]!.argument).not.toMatch(/^(root|0)(:|$)/);
    expect(user).toBeLessThan(runStage.findIndex((instruction) => instruction.keyword === 'ENTRYPOINT'));
    const healthcheck = runStage.find((instruction) => instruction.keyword === 'HEALTHCHECK');
    expect(healthcheck?.argument).toMatch(/CMD .*\/healthz/);
  });

  it('leaves node_modules, dist and data out of the build context', () => {
    const ignored = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.git']) expect(ignored).toContain(entry);
  });

  it("its config is valid with an API key from the environment, and names the missing variable without one", () => {
    const path = join(PROJECT_ROOT, 'docker', 'config.yaml');
    const config = loadConfig(path, { IMBRIDGE_API_KEY: '0123456789abcdef0123' });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.backends.local).toMatchObject({ vendor: 'native', store: { driver: 'sqlite', path: '/data/imbridge.db' } });
    expect(() => loadConfig(path, {})).toThrow(/auth\.apiKeys\[0\]\.key: environment variable IMBRIDGE_API_KEY is not set/);
    expect(dockerfile).toContain('IMBRIDGE_CONFIG=/etc/imbridge/config.yaml');
    expect(dockerfile).toMatch(/COPY docker\/config\.yaml \/etc\/imbridge\/config\.yaml/);
  });

  const hadolint = process.env.HADOLINT ?? 'hadolint';
  const hasHadolint = spawnSync(hadolint, ['--version'], { stdio: 'ignore' }).status === 0;
  it('hadolint finds nothing to report (CI installs it; elsewhere it runs where it is on PATH)', () => {
    if (!hasHadolint) {
      // CI must lint: .ci/run installs hadolint and names it in HADOLINT.
      expect(process.env.CI, 'hadolint is missing in CI').not.toBe('true');
      return;
    }
    const output = execFileSync(hadolint, ['--no-color', join(PROJECT_ROOT, 'Dockerfile')], { encoding: 'utf8' });
    expect(output).toBe('');
  });
});
