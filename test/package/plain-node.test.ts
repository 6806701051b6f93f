// The built package from plain Node (no TypeScript loader): each export imports from a `.mjs`
// file, imbridge/client works against a server started from the compiled bin, and the client's
// module graph holds nothing of the server.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBin } from '../support/built-package.js';
import { PROJECT_ROOT } from '../support/spawn-imbridge.js';

const run = promisify(execFile);
// An application beside the package: `imbridge` resolves through its node_modules, as after `npm install imbridge`.
const app = mkdtempSync(join(tmpdir(), 'imbridge-app-'));
let server: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(PROJECT_ROOT, join(app, 'node_modules', 'imbridge'), 'dir');
  writeFileSync(join(app, 'config.yaml'), 'defaultBackend: local\nbackends:\n  local: { vendor: native, store: { driver: memory } }\n');
  server = runBin(['serve', '--config', join(app, 'config.yaml')], { PORT: '0', LOG_LEVEL: 'warn' });
  url = await new Promise<string>((done, fail) => {
    let output = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) done(match[1]!);
    });
    server!.once('exit', (code) => fail(new Error(`imbridge exited with ${code}: ${output}`)));
  });
}, 120_000);
afterAll(() => {
  server?.kill('SIGTERM');
  rmSync(app, { recursive: true, force: true });
});

async function node(file: string, text: string): Promise<string> {
  writeFileSync(join(app, file), text);
  const { stdout } = await run(process.execPath, [join(app, file)], { cwd: app, env: { ...process.env, IMBRIDGE_URL: url } });
  return stdout;
}

describe('the built package from plain Node', () => {
  it('imports imbridge/client, imbridge/spec and imbridge/conformance from a .mjs file', async () => {
    const out = await node(
      'imports.mjs',
      `import * as client from 'imbridge/client';
import * as spec from 'imbridge/spec';
import * as conformance from 'imbridge/conformance';
console.log(JSON.stringify({
  client: [typeof client.createClient, typeof client.idempotencyKey, typeof client.RemoteError],
  spec: [typeof spec.ImBridgeError, spec.SPEC_VERSION],
  conformance: [typeof conformance.runConformanceSuite, conformance.FACETS.length],
}));
`,
    );
    const seen = JSON.parse(out) as { client: string[]; spec: unknown[]; conformance: unknown[] };
    expect(seen.client).toEqual(['function', 'function', 'function']);
    expect(seen.spec[0]).toBe('function');
    expect(seen.conformance[0]).toBe('function');
    expect(seen.conformance[1]).toBeGreaterThan(10);
  });

  it('drives a server with imbridge/client from a .mjs file: writes, reads, an idempotent create, a typed error', async () => {
    const out = await node(
      'app.mjs',
      `import { createClient, idempotencyKey, RemoteError } from 'imbridge/client';
const im = await createClient({ url: process.env.IMBRIDGE_URL });
await im.users.put('alice', { name: 'Alice' });
await im.users.put('bob', { name: 'Bob' });
await im.blocks.put('alice', 'bob');
const key = idempotencyKey();
const first = await im.withIdempotencyKey(key).rooms.create('group', { name: 'Team', owner: 'alice' });
const again = await im.withIdempotencyKey(key).rooms.create('group', { name: 'Team', owner: 'alice' });
let refused;
try {
  await im.messages.send({ from: 'bob', to: { type: 'user', id: 'alice' }, text: 'hi' });
} catch (error) {
  refused = error instanceof RemoteError ? [error.httpStatus, error.code] : String(error);
}
console.log(JSON.stringify({ backend: im.name, relation: await im.relations.get('alice', 'bob'), same: first.id === again.id, refused }));
`,
    );
    const seen = JSON.parse(out) as { backend: string; relation: { blocking: boolean }; same: boolean; refused: unknown };
    expect(seen.backend).toBe('local');
    expect(seen.relation.blocking).toBe(true);
    expect(seen.same).toBe(true);
    expect(seen.refused).toEqual([403, 'BLOCKED']);
  });

  it("imbridge/client's compiled module graph imports only Node built-ins: no express, no SQLite, no vendor", () => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
    const entry = resolve(PROJECT_ROOT, manifest.exports['./client']!.default);
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const specifier = match[1] ?? match[2]!;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else bare.add(specifier);
      }
    };
    visit(entry);
    expect(seen.size).toBeGreaterThan(3);
    expect([...bare].filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
    expect([...seen].map((file) => file.slice(PROJECT_ROOT.length)).filter((file) => !/^\/?dist\/src\/(client|spec)\//.test(file))).toEqual([]);
  });
});
