/** The tree keeps its dependency rule (docs/architecture.md), and the check catches a wrong import. */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dependencyViolations } from './dependency-rule.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function trackedSources(): Map<string, string> {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' });
  const files = new Map<string, string>();
  for (const path of listed.split('\n').filter(Boolean)) {
    try {
      files.set(path, readFileSync(`${root}/${path}`, 'utf8'));
    } catch {
      // listed by git but deleted in the work tree
    }
  }
  return files;
}

describe('the dependency rule', () => {
  it('holds for every source file in the tree', () => {
    const files = trackedSources();
    expect(files.size).toBeGreaterThan(150);
    expect(dependencyViolations(files)).toEqual([]);
  });

  it.each([
    ['adapters/agora/backend/errors.ts', "import { x } from '../fake/fake-state.js';", "a vendor's backend/ imports only the spec, the runtime and its own protocol/"],
    ['adapters/agora/backend/errors.ts', "import { x } from '../../openim/protocol/wire.js';", "a vendor's backend/ imports only the spec, the runtime and its own protocol/"],
    ['adapters/openim/facade/auth.ts', "import { x } from '../backend/client.js';", "a vendor's facade/ imports only the spec, the runtime, the facade kit and its own protocol/"],
    ['adapters/openim/fake/routes.ts', "export { x } from '../../../src/http/routes.js';", "a vendor's fake/ imports only the spec, the runtime, the testing kit and its own protocol/"],
    ['src/spec/errors.ts', "import type { x } from '../runtime/index.js';", 'src/spec imports nothing outside itself'],
    ['src/runtime/chunk.ts', "const m = await import('../http/routes.js');", 'src/runtime imports only src/spec'],
    ['src/http/routes.ts', "import { x } from '../../adapters/wildfire/backend/index.js';", 'the host reaches vendors only through adapters/index.ts'],
    ['adapters/wukongim/test/facade/harness.ts', "import { startFake } from '../../../agora/fake/index.js';", "a vendor's tests reach other vendors only through adapters/index.ts"],
  ])('refuses %s importing %s', (file, source, rule) => {
    const files = new Map([[file, source]]);
    expect(dependencyViolations(files)).toEqual([{ file, specifier: expect.any(String), rule }]);
  });

  it('accepts the imports each layer is allowed', () => {
    const files = new Map([
      ['adapters/agora/backend/errors.ts', "import { a } from '../../../src/spec/index.js';\nimport { b } from '../protocol/wire.js';"],
      ['adapters/agora/facade/auth.ts', "import { a } from '../../../src/facade-kit/index.js';\nimport { b } from '../protocol/wire.js';"],
      ['src/http/mount-compat.ts', "import { findVendor } from '../../adapters/index.js';"],
    ]);
    expect(dependencyViolations(files)).toEqual([]);
  });
});

describe('the host and the kits name no vendor', () => {
  it('no file under src/ spells a vendor name; vendors are known from adapters/index.ts only', async () => {
    const { VENDORS } = await import('../../adapters/index.js');
    const names = VENDORS.map((vendor) => vendor.name).filter((name) => name !== 'native');
    expect(names.length).toBeGreaterThan(3);
    // The mirror is no IM vendor but a backend kind, and `imbridge mirror-check` is its command.
    const namedBy = (path: string, name: string) => name === 'mirror' && path.startsWith('src/cli/');
    const offenders: string[] = [];
    for (const [path, source] of trackedSources()) {
      if (!path.startsWith('src/')) continue;
      const lower = source.toLowerCase();
      for (const name of names) if (lower.includes(name) && !namedBy(path, name)) offenders.push(`${path}: ${name}`);
    }
    expect(offenders).toEqual([]);
  });
});
