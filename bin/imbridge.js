#!/usr/bin/env node
// The package's command: the compiled CLI. `npm run build` writes dist/; `npm ci` runs it
// (through `prepare`), and a published package ships it.
try {
  await import('../dist/src/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
    process.stderr.write('imbridge: dist/ is missing; run `npm run build` (npm ci runs it) first\n');
    process.exit(1);
  }
  throw error;
}
