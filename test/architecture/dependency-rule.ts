/**
 * The dependency rule of the tree, as code: which folder may import which. Layers only import
 * down — the spec and the runtime at the bottom, the kits beside them, each vendor's parts in the
 * middle, the host on top — and the host reaches vendors only through `adapters/index.ts`.
 */
import { posix } from 'node:path';
import ts from 'typescript';

/** One import that breaks the rule: who imports what, and the rule it breaks. */
export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

interface Layer {
  name: string;
  /** May `file` (a repository path) import `target` (a repository path)? */
  allows(target: string, file: string): boolean;
  rule: string;
}

const kit = (name: string) => (target: string) => target.startsWith(`src/${name}/`);
const spec = kit('spec');
const runtime = kit('runtime');
const testing = kit('testing');
const facadeKit = kit('facade-kit');
const vendorKit = kit('vendor-kit');

/** `adapters/<vendor>/<part>/…` → [vendor, part]; `adapters/<vendor>/vendor.ts` → [vendor, 'vendor.ts']. */
function vendorPart(path: string): [string, string] | null {
  const match = /^adapters\/([^/]+)\/([^/]+)/.exec(path);
  return match ? [match[1]!, match[2]!] : null;
}

function ownPart(file: string, target: string, ...parts: string[]): boolean {
  const mine = vendorPart(file);
  const theirs = vendorPart(target);
  return mine !== null && theirs !== null && mine[0] === theirs[0] && parts.includes(theirs[1]);
}

const LAYERS: Array<Layer & { matches(file: string): boolean }> = [
  { name: 'spec', matches: spec, allows: spec, rule: 'src/spec imports nothing outside itself' },
  { name: 'runtime', matches: runtime, allows: (t) => spec(t) || runtime(t), rule: 'src/runtime imports only src/spec' },
  { name: 'testing', matches: testing, allows: (t) => spec(t) || runtime(t) || testing(t), rule: 'src/testing imports only src/spec and src/runtime' },
  { name: 'facade-kit', matches: facadeKit, allows: (t) => spec(t) || runtime(t) || facadeKit(t), rule: 'src/facade-kit imports only src/spec and src/runtime' },
  {
    name: 'vendor-kit',
    matches: vendorKit,
    allows: (t) => spec(t) || runtime(t) || testing(t) || facadeKit(t) || vendorKit(t),
    rule: 'src/vendor-kit imports only the spec, the runtime and the other kits',
  },
  {
    name: 'protocol',
    matches: (f) => vendorPart(f)?.[1] === 'protocol',
    allows: (t, f) => spec(t) || runtime(t) || ownPart(f, t, 'protocol'),
    rule: "a vendor's protocol/ imports only the spec, the runtime and itself",
  },
  {
    name: 'backend',
    matches: (f) => vendorPart(f)?.[1] === 'backend',
    allows: (t, f) => spec(t) || runtime(t) || ownPart(f, t, 'protocol', 'backend'),
    rule: "a vendor's backend/ imports only the spec, the runtime and its own protocol/",
  },
  {
    name: 'fake',
    matches: (f) => vendorPart(f)?.[1] === 'fake',
    allows: (t, f) => spec(t) || runtime(t) || testing(t) || ownPart(f, t, 'protocol', 'fake'),
    rule: "a vendor's fake/ imports only the spec, the runtime, the testing kit and its own protocol/",
  },
  {
    name: 'callbacks',
    matches: (f) => vendorPart(f)?.[1] === 'callbacks',
    // A vendor's callback reader only turns its wire format into unified changes.
    allows: (t, f) => spec(t) || runtime(t) || vendorKit(t) || ownPart(f, t, 'protocol', 'callbacks'),
    rule: "a vendor's callbacks/ imports only the spec, the runtime, the vendor kit and its own protocol/",
  },
  {
    name: 'live',
    matches: (f) => vendorPart(f)?.[1] === 'live',
    // The live backdoor reads a real server the way the fake's backdoor reads the fake: never through the adapter.
    allows: (t, f) => spec(t) || runtime(t) || testing(t) || ownPart(f, t, 'protocol', 'fake', 'live'),
    rule: "a vendor's live/ imports only the spec, the runtime, the testing kit and its own protocol/ and fake/",
  },
  {
    name: 'facade',
    matches: (f) => vendorPart(f)?.[1] === 'facade',
    allows: (t, f) => spec(t) || runtime(t) || facadeKit(t) || ownPart(f, t, 'protocol', 'facade'),
    rule: "a vendor's facade/ imports only the spec, the runtime, the facade kit and its own protocol/",
  },
  {
    name: 'vendor descriptor',
    matches: (f) => vendorPart(f)?.[1] === 'vendor.ts',
    allows: (t, f) => vendorKit(t) || ownPart(f, t, 'backend', 'fake', 'facade', 'protocol', 'live', 'callbacks'),
    rule: "a vendor's vendor.ts imports only the vendor kit and its own parts",
  },
  {
    name: 'vendor tests',
    matches: (f) => vendorPart(f)?.[1] === 'test',
    // Tests drive the host (HTTP, conformance) and their own vendor; other vendors come from the registry.
    allows: (t, f) => t.startsWith('src/') || t.startsWith('test/support/') || t === 'adapters/index.ts' || ownPart(f, t, 'backend', 'fake', 'facade', 'protocol', 'live', 'test', 'vendor.ts', 'callbacks'),
    rule: "a vendor's tests reach other vendors only through adapters/index.ts",
  },
  {
    name: 'registry',
    matches: (f) => f === 'adapters/index.ts',
    allows: (t) => vendorKit(t) || vendorPart(t)?.[1] === 'vendor.ts',
    rule: 'adapters/index.ts imports only the vendor kit and each vendor.ts',
  },
  {
    name: 'host',
    matches: (f) => f.startsWith('src/'),
    allows: (t) => t.startsWith('src/') || t === 'adapters/index.ts',
    rule: 'the host reaches vendors only through adapters/index.ts',
  },
  {
    name: 'tests and tools',
    matches: (f) => f.startsWith('test/') || f.startsWith('bench/'),
    allows: (t) => t.startsWith('src/') || t.startsWith('test/') || t.startsWith('bench/') || t === 'adapters/index.ts' || vendorPart(t) !== null,
    rule: 'tests and tools import the project only',
  },
];

/** The relative import specifiers of a TypeScript source (static, dynamic, `export … from`). */
export function importSpecifiers(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((entry) => entry.fileName).filter((name) => name.startsWith('.'));
}

/** Resolves `./x.js` from `file` to the repository path of the `.ts` (or `.json`) it names. */
export function resolveImport(file: string, specifier: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(file), specifier));
  return joined.endsWith('.js') ? `${joined.slice(0, -3)}.ts` : joined;
}

/** Every import in `files` (repository path → source text) that breaks the rule. */
export function dependencyViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const layer = LAYERS.find((candidate) => candidate.matches(file));
    if (!layer) continue;
    for (const specifier of importSpecifiers(source)) {
      const target = resolveImport(file, specifier);
      if (!layer.allows(target, file)) violations.push({ file, specifier, rule: layer.rule });
    }
  }
  return violations;
}
