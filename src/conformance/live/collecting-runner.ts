/**
 * A ConformanceRunner that needs no test framework: `imbridge conformance` registers the suite
 * on it, then runs every test one after another (a live vendor is shared state, and the suite's
 * timing tests assume nothing else is running) and hands back one result per test, grouped by
 * facet. Assertions are vitest's `expect`, which works outside vitest's own runner.
 */
import { expect } from 'vitest';
import type { ConformanceRunner } from '../suite-context.js';
import { BackdoorCannotRead } from '../../testing/index.js';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  /** The describe block's title after the target label: the facet's name. */
  facet: string;
  test: string;
  status: TestStatus;
  /** Why it failed or was skipped. */
  message?: string;
  durationMs: number;
}

interface RegisteredTest {
  name: string;
  body: (context: { skip: (note?: string) => void }) => Promise<void>;
  timeoutMs: number;
}

interface Block {
  title: string;
  beforeAll: Array<{ body: () => Promise<void> | void; timeoutMs: number }>;
  afterAll: Array<{ body: () => Promise<void> | void; timeoutMs: number }>;
  tests: RegisteredTest[];
}

class SkipSignal extends Error {}

async function withTimeout<T>(work: () => Promise<T> | T, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 6).join('\n');
  return String(error);
}

export interface RunHooks {
  /** Called before each facet's set-up and each of its tests (the recorder labels exchanges with it). */
  onTestStart?(facet: string, test: string | null): void;
  onResult?(result: TestResult): void;
}

export class CollectingRunner implements ConformanceRunner {
  readonly expect = expect;
  private readonly blocks: Block[] = [];
  private current: Block | undefined;

  describe(name: string, body: () => void): void {
    const parent = this.current;
    const block: Block = { title: name, beforeAll: [], afterAll: [], tests: [] };
    this.blocks.push(block);
    this.current = block;
    try {
      body();
    } finally {
      this.current = parent;
    }
  }

  it(name: string, body: (context: { skip: (note?: string) => void }) => Promise<void>, timeout = 20_000): void {
    this.block('it').tests.push({ name, body, timeoutMs: timeout });
  }

  beforeAll(body: () => Promise<void> | void, timeout = 60_000): void {
    this.block('beforeAll').beforeAll.push({ body, timeoutMs: timeout });
  }

  afterAll(body: () => Promise<void> | void, timeout = 60_000): void {
    this.block('afterAll').afterAll.push({ body, timeoutMs: timeout });
  }

  /** Facet names in registration order. */
  facets(): string[] {
    return this.blocks.map((block) => facetName(block.title));
  }

  /** Runs the registered tests of the facets `only` names (all when absent), in order. */
  async run(options: { only?: ReadonlySet<string>; hooks?: RunHooks } = {}): Promise<TestResult[]> {
    const results: TestResult[] = [];
    const report = (result: TestResult) => {
      results.push(result);
      options.hooks?.onResult?.(result);
    };
    for (const block of this.blocks) {
      const facet = facetName(block.title);
      if (options.only && !options.only.has(facet)) continue;
      options.hooks?.onTestStart?.(facet, null);
      let setUpFailure: string | undefined;
      for (const hook of block.beforeAll) {
        try {
          await withTimeout(hook.body, hook.timeoutMs, `${facet}: set-up`);
        } catch (error) {
          setUpFailure = `set-up failed: ${describeError(error)}`;
          break;
        }
      }
      for (const test of block.tests) {
        if (setUpFailure) {
          report({ facet, test: test.name, status: 'failed', message: setUpFailure, durationMs: 0 });
          continue;
        }
        options.hooks?.onTestStart?.(facet, test.name);
        const started = performance.now();
        let skipNote: string | undefined;
        const context = {
          skip: (note?: string) => {
            skipNote = note ?? 'skipped';
            throw new SkipSignal(skipNote);
          },
        };
        try {
          await withTimeout(() => test.body(context), test.timeoutMs, test.name);
          report({ facet, test: test.name, status: skipNote ? 'skipped' : 'passed', ...(skipNote ? { message: skipNote } : {}), durationMs: performance.now() - started });
        } catch (error) {
          const durationMs = performance.now() - started;
          if (error instanceof SkipSignal || skipNote) report({ facet, test: test.name, status: 'skipped', message: skipNote ?? 'skipped', durationMs });
          else if (error instanceof BackdoorCannotRead) report({ facet, test: test.name, status: 'skipped', message: error.message, durationMs });
          else report({ facet, test: test.name, status: 'failed', message: describeError(error), durationMs });
        }
      }
      for (const hook of block.afterAll) {
        try {
          await withTimeout(hook.body, hook.timeoutMs, `${facet}: tear-down`);
        } catch (error) {
          report({ facet, test: '(tear-down)', status: 'failed', message: describeError(error), durationMs: 0 });
        }
      }
    }
    return results;
  }

  private block(what: string): Block {
    if (!this.current) throw new Error(`${what} outside a describe block`);
    return this.current;
  }
}

/** `"label · facet"` → `"facet"` (the suite's describe titles). */
function facetName(title: string): string {
  const separator = title.lastIndexOf(' · ');
  return separator === -1 ? title : title.slice(separator + 3);
}
