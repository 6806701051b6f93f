#!/usr/bin/env node
// `npm run build`: the TypeScript compiled to dist/ with declarations, then the JSON Schemas the
// code reads at run time placed where the compiled modules look for them (dist/schemas,
// dist/adapters/<vendor>/*.schema.json).
//
// npm runs this as `prepare` on `npm ci`, and also whenever `npx imbridge` installs the project
// into npx's cache, which may happen while a server or a fake already runs from dist/. So a build
// whose inputs did not change since the last one does nothing, and a real one is written beside
// dist/ and swapped in whole: a running process never sees dist/ missing or half-written.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const STAMP = '.build-stamp';

/** Every input's path, size and modification time, hashed: a new, changed or removed file changes it. */
function inputsStamp() {
  const hash = createHash('sha256');
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (path.endsWith('/test') || path.endsWith('node_modules')) return;
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else {
      hash.update(`${relative(root, path)} ${stat.size} ${stat.mtimeMs}\n`);
    }
  };
  for (const input of ['src', 'adapters', 'schemas', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs']) visit(join(root, input));
  return hash.digest('hex');
}

const stamp = inputsStamp();
if (!process.argv.includes('--force') && existsSync(join(dist, STAMP)) && readFileSync(join(dist, STAMP), 'utf8') === stamp) {
  process.stdout.write('dist/ is up to date\n');
  process.exit(0);
}

const next = `${dist}.next-${process.pid}`;
rmSync(next, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { stdio: 'inherit' });
if (compiled.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  process.exit(compiled.status ?? 1);
}
cpSync(join(root, 'schemas'), join(next, 'schemas'), { recursive: true });
for (const vendor of readdirSync(join(root, 'adapters'), { withFileTypes: true })) {
  if (!vendor.isDirectory()) continue;
  for (const file of readdirSync(join(root, 'adapters', vendor.name))) {
    if (file.endsWith('.schema.json')) cpSync(join(root, 'adapters', vendor.name, file), join(next, 'adapters', vendor.name, file));
  }
}
writeFileSync(join(next, STAMP), stamp);

const previous = `${dist}.previous-${process.pid}`;
if (existsSync(dist)) renameSync(dist, previous);
renameSync(next, dist);
rmSync(previous, { recursive: true, force: true });
