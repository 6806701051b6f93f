// Every shell block of README.md runs here exactly as printed, one shell per section (the blocks
// of "Moving an app" share their variables and background jobs, as pasted into one terminal), in
// a scratch copy of the checkout, each section within a time limit. A section must stop what it
// starts: afterwards nothing listens on the ports it used.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/built-package.js';
import { PROJECT_ROOT } from '../support/spawn-imbridge.js';

interface Block {
  language: string;
  section: string;
  text: string;
}

/** The fenced blocks of a Markdown text, indented ones (inside list items) included, indentation removed. */
export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const open = /^( *)```(\w*)\s*$/.exec(line);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    for (index++; index < lines.length && !/^ *```\s*$/.test(lines[index]!); index++) body.push(lines[index]!.slice(indent));
    blocks.push({ language: open[2]!, section, text: `${body.join('\n')}\n` });
  }
  return blocks;
}

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const BLOCKS = fencedBlocks(README);
const shell = (section: string) => BLOCKS.filter((block) => block.language === 'sh' && block.section === section);

const scratch = mkdtempSync(join(tmpdir(), 'imbridge-readme-'));
const environment: NodeJS.ProcessEnv = {
  ...process.env,
  // What a newcomer's shell has: no port, config or log level preset by the test runner.
  PORT: undefined,
  HOST: undefined,
  IMBRIDGE_CONFIG: undefined,
  LOG_LEVEL: undefined,
  npm_config_cache: join(scratch, '.npm-cache'),
  npm_config_update_notifier: 'false',
};

beforeAll(() => {
  ensureBuilt();
  copyFileSync(join(PROJECT_ROOT, 'package.json'), join(scratch, 'package.json'));
  for (const entry of ['node_modules', 'dist', 'bin', 'scripts', 'src', 'adapters', 'schemas', 'tsconfig.json', 'tsconfig.build.json']) {
    symlinkSync(join(PROJECT_ROOT, entry), join(scratch, entry));
  }
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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

async function expectFree(ports: number[], when: string): Promise<void> {
  for (const port of ports) {
    let open = await accepts(port);
    // A stopped server closes within a second or so of the kill that ends the section.
    for (let wait = 0; open && wait < 50; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = await accepts(port);
    }
    expect(open, `port ${port} is still taken ${when}`).toBe(false);
  }
}

/** Every shell's process group, killed after the test has checked what the shell left running. */
const groups: number[] = [];
afterEach(() => {
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // The group is gone already: the section stopped everything it started.
    }
  }
});

/** Runs `script` in bash in the scratch folder, in a process group of its own. */
function runShell(script: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: scratch, env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    groups.push(child.pid!);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const timer = setTimeout(() => {
      output += `\n[timed out after ${timeoutMs} ms]`;
      killGroup();
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // A failed section shows what its servers wrote too.
      if (code !== 0) {
        for (const file of readdirSync(scratch).filter((name) => /\.(log|out)$/.test(name))) output += `\n--- ${file}\n${readFileSync(join(scratch, file), 'utf8').slice(-3_000)}`;
      }
      resolve({ code, output });
    });
  });
}

describe('README walk-throughs, run as printed', () => {
  it('every shell block belongs to a section this test runs', () => {
    // Not run here: "Running several instances" needs a PostgreSQL cluster of a non-root user (its
    // text says how); the same two instances on one PostgreSQL are test/e2e/several-instances.test.ts.
    const sections = new Set(BLOCKS.filter((block) => block.language === 'sh' && block.section !== 'Running several instances').map((block) => block.section));
    expect([...sections].sort()).toEqual(['Container image', 'Moving an app from vendor A to vendor B', 'Talking to a vendor (or its fake)', 'The two commands'].sort());
  });

  it('"The two commands": npm start, then "Try it" and the client example of "From an application" against it', async () => {
    const [twoCommands, tryIt, ...rest] = shell('The two commands');
    expect(rest).toEqual([]);
    // `npm ci` would reinstall the node_modules this checkout shares; the server command runs as printed.
    expect(twoCommands!.text).toContain('npm ci && npm start');
    const [client] = BLOCKS.filter((block) => block.language === 'js' && block.section === 'From an application: `imbridge/client`');
    writeFileSync(join(scratch, 'app.mjs'), client!.text);
    await expectFree([8080], 'before the quick start');
    const script = `npm start > quick-start.log & SERVER=$!
until curl -sf localhost:8080/readyz > /dev/null; do sleep 0.2; done
${tryIt!.text}
node app.mjs
kill $SERVER
`;
    const run = await runShell(script, 120_000);
    await expectFree([8080], 'after the quick start');
    expect(run.code, run.output).toBe(0);
    // The answers the README prints after `# →`.
    for (const printed of tryIt!.text.matchAll(/^# → \d+ (.+)$/gm)) expect(run.output).toContain(printed[1]!);
    expect(run.output).toContain('true\n404 USER_NOT_FOUND false\n');
  }, 180_000);

  it('"Talking to a vendor": the fake, its block in a config, the server on it, both stopped', async () => {
    const blocks = shell('Talking to a vendor (or its fake)');
    expect(blocks).toHaveLength(1);
    await expectFree([8080, 10002], 'before the walk-through');
    const run = await runShell(blocks[0]!.text, 120_000);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/^\{"vendor":"openim","baseUrl":"http:\/\/127\.0\.0\.1:10002"/m);
    expect(run.output).toContain('"vendor":"openim"');
    expect(run.output).toContain('"users.whitelist.list":false');
    await expectFree([8080, 10002], 'after the walk-through');
  }, 180_000);

  it('"Moving an app": steps 1 to 5 in one shell, the app\'s answers as printed, the migration verified', async () => {
    const blocks = shell('Moving an app from vendor A to vendor B');
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    await expectFree([5901, 5902, 8091], 'before the walk-through');
    const run = await runShell(blocks.map((block) => block.text).join('\n'), 240_000);
    expect(run.code, run.output).toBe(0);
    for (const answer of ['{"status":200}', '"friend":true,"friendOf":false', '{"msg":"\\"bob\\" blocks \\"alice\\"","status":400}', '[]', '401', 'migrate local → next (dry run: nothing written): planned', 'migrate local → next: verified', 'verify: 0 differences']) {
      expect(run.output, run.output).toContain(answer);
    }
    await expectFree([5901, 5902, 8091], 'after the walk-through');
  }, 300_000);

  const dockerEngine = (() => {
    try {
      execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!dockerEngine)('"Container image": the image builds, runs and stops as printed (needs a Docker engine)', async () => {
    const blocks = shell('Container image');
    const run = await runShell(blocks.map((block) => block.text).join('\n'), 900_000);
    expect(run.code, run.output).toBe(0);
  }, 960_000);
});
