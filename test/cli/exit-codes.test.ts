// The command line's exit codes (README "Command line"), one row per way of calling it, run on the
// compiled bin as users run it: 0 success, 1 runtime error, 2 usage error, 78 config.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binToExit, ensureBuilt } from '../support/built-package.js';
import { PROJECT_ROOT } from '../support/spawn-imbridge.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-exit-codes-'));
const file = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};
const good = file('good.yaml', 'defaultBackend: local\nbackends:\n  local: { vendor: native, store: { driver: memory } }\n');
const bad = file('bad.yaml', 'server: { colour: blue }\nbackends:\n  local: { vendor: native, store: { driver: floppy } }\n');
const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let occupied: Server;
let occupiedPort = 0;
beforeAll(async () => {
  ensureBuilt();
  occupied = createServer();
  await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
  occupiedPort = (occupied.address() as { port: number }).port;
}, 120_000);
afterAll(() => {
  occupied?.close();
  rmSync(directory, { recursive: true, force: true });
});

interface Row {
  args: () => string[];
  env?: () => NodeJS.ProcessEnv;
  code: number;
  /** Text the named stream must hold (and the other stays free of help when the code is not 0). */
  stdout?: string | RegExp;
  stderr?: string | RegExp;
}

const ROWS: Row[] = [
  { args: () => ['--version'], code: 0, stdout: new RegExp(`^${version.replaceAll('.', '\\.')}\\n$`) },
  { args: () => ['-v'], code: 0, stdout: version },
  { args: () => ['--help'], code: 0, stdout: /Usage: imbridge .*\n[\s\S]*config[\s\S]*Exit codes: 0 success, 1 runtime error, 2 usage error, 78 invalid config/ },
  { args: () => ['-h'], code: 0, stdout: 'Usage: imbridge' },
  { args: () => ['help'], code: 0, stdout: 'Usage: imbridge' },
  { args: () => ['help', 'migrate'], code: 0, stdout: /--id-map <file>[\s\S]*--on-gap <mode>/ },
  { args: () => ['migrate', '--help'], code: 0, stdout: /--dry-run[\s\S]*--checkpoint <file>[\s\S]*--concurrency <n>/ },
  { args: () => ['serve', '-h'], code: 0, stdout: /IMBRIDGE_CONFIG[\s\S]*LOG_LEVEL/ },
  { args: () => ['fake', '--help'], code: 0, stdout: /<vendor>[\s\S]*--port <port>/ },
  { args: () => ['config', 'check', '--help'], code: 0, stdout: 'validate a config' },
  { args: () => ['config', 'check', '--config', good], code: 0, stdout: `${good}: valid` },
  { args: () => ['capabilities', '--config', good], code: 0, stdout: '"vendor": "native"' },
  // No silent default: bare imbridge is a usage error that shows the help on stderr.
  { args: () => [], code: 2, stderr: 'Usage: imbridge' },
  { args: () => ['config'], code: 2, stderr: 'Usage: imbridge config' },
  { args: () => ['bogus'], code: 2, stderr: "imbridge: unknown command 'bogus'" },
  { args: () => ['serve', '--bogus'], code: 2, stderr: "imbridge: unknown option '--bogus'\n(imbridge serve --help lists its flags)" },
  { args: () => ['serve', '--config'], code: 2, stderr: "option '--config <file>' argument missing" },
  { args: () => ['fake'], code: 2, stderr: "missing required argument 'vendor'" },
  { args: () => ['fake', 'nosuch'], code: 2, stderr: "value 'nosuch' is invalid for argument 'vendor'" },
  { args: () => ['fake', 'openim', '--port', 'abc'], code: 2, stderr: 'imbridge: --port: "abc" is not a port number' },
  { args: () => ['capabilities', '--config', good, '--backend', 'nope'], code: 2, stderr: 'imbridge: no backend named "nope"' },
  { args: () => ['migrate', '--config', good, '--from', 'local'], code: 2, stderr: 'imbridge: --from and --to are required' },
  { args: () => ['migrate', '--config', good, '--from', 'local', '--to', 'x', '--on-gap', 'maybe'], code: 2, stderr: '--on-gap: "maybe" is not skip or fail' },
  { args: () => ['conformance', '--backend', 'local'], code: 2, stderr: 'imbridge: --config (with --backend) or --url is required' },
  { args: () => ['mirror-check', '--config', good, '--backend', 'local'], code: 2, stderr: 'is a native backend, not a mirror' },
  { args: () => ['config', 'check', '--config', bad], code: 78, stderr: 'server.colour: is not a known key' },
  { args: () => ['config', 'check', '--config', join(directory, 'absent.yaml')], code: 78, stderr: 'cannot be read (ENOENT)' },
  { args: () => ['config', 'check'], env: () => ({ IMBRIDGE_CONFIG: bad }), code: 78, stderr: 'backends.local.store.driver: must be one of sqlite, memory' },
  { args: () => ['serve', '--config', bad], code: 78, stderr: 'invalid configuration' },
  // A runtime failure: the port is taken.
  { args: () => ['serve', '--config', good], env: () => ({ PORT: String(occupiedPort) }), code: 1, stderr: 'EADDRINUSE' },
];

describe('imbridge exit codes', () => {
  it(`answers each of ${ROWS.length} command lines with its exit code and message`, async () => {
    // Four at a time: the machine has two cores.
    const results: Array<{ row: Row; result: Awaited<ReturnType<typeof binToExit>> }> = [];
    for (let start = 0; start < ROWS.length; start += 4) {
      const batch = ROWS.slice(start, start + 4);
      results.push(...(await Promise.all(batch.map(async (row) => ({ row, result: await binToExit(row.args(), row.env?.() ?? {}) })))));
    }
    for (const { row, result } of results) {
      const label = `imbridge ${row.args().join(' ')}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      expect(result.code, label).toBe(row.code);
      for (const [stream, wanted] of [[result.stdout, row.stdout], [result.stderr, row.stderr]] as const) {
        if (typeof wanted === 'string') expect(stream, label).toContain(wanted);
        else if (wanted) expect(stream, label).toMatch(wanted);
      }
      // Help asked for goes to stdout; an error's help goes to stderr, never both.
      if (row.code === 0) expect(result.stderr, label).toBe('');
      else expect(result.stdout, label).toBe('');
    }
  }, 120_000);
});
