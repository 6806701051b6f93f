#!/usr/bin/env node
// `npm run build`: dist/ afresh (no module of a deleted source left behind), the TypeScript
// compiled with declarations, then the JSON Schemas the code reads at run time, placed where the
// compiled modules look for them (dist/schemas, dist/adapters/<vendor>/*.schema.json).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

cpSync(join(root, 'schemas'), join(dist, 'schemas'), { recursive: true });
for (const vendor of readdirSync(join(root, 'adapters'), { withFileTypes: true })) {
  if (!vendor.isDirectory()) continue;
  for (const file of readdirSync(join(root, 'adapters', vendor.name))) {
    if (file.endsWith('.schema.json')) cpSync(join(root, 'adapters', vendor.name, file), join(dist, 'adapters', vendor.name, file));
  }
}
