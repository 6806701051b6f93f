/**
 * Mirrors for tests: a config of two sides and a mirror over them (each side a native backend or
 * a vendor fake from the registry), served by imbridge or built direct, with a fresh queue file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findVendor } from '../../index.js';
import { TEST_RETRY, connectHttpBackend, serveImbridge, type ConformanceTarget, type TargetFactory } from '../../../src/conformance/index.js';
import { validateConfig } from '../../../src/config/load-config.js';
import { createBackends } from '../../../src/server/create-backends.js';
import { createLogger } from '../../../src/server/create-logger.js';
import type { RunningImbridge } from '../../../src/server/start-server.js';
import { UpstreamError, type Backend, type ChangeRecord } from '../../../src/spec/index.js';
import type { Backdoor, FakeControl } from '../../../src/testing/index.js';
import type { RunningFake } from '../../../src/vendor-kit/index.js';
import { unifiedBackdoor } from './unified-backdoor.js';

/** `native`, or the name of a vendor with a fake. */
export type Side = string;

export interface MirrorSetup {
  /** The config's backends: `p` (primary), `s` (secondary) and `both` (the mirror). */
  backends: Record<string, Record<string, unknown>>;
  /** The running fake of each side that is one. */
  fakes: { p?: RunningFake; s?: RunningFake };
  directory: string;
  close(): Promise<void>;
}

/** Fast redelivery for tests. */
export const TEST_MIRROR_RETRY = { initialDelayMs: 20, maxDelayMs: 200 } as const;

async function sideBlock(side: Side): Promise<{ block: Record<string, unknown>; fake?: RunningFake }> {
  if (side === 'native') return { block: { vendor: 'native', store: { driver: 'memory' } } };
  const fake = await findVendor(side)!.fake!.start({ port: 0 });
  return { block: { ...fake.backendConfig, timeoutMs: 2_000, retry: TEST_RETRY }, fake };
}

export async function mirrorSetup(primary: Side, secondary: Side, mirror: Record<string, unknown> = {}): Promise<MirrorSetup> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-mirror-'));
  const p = await sideBlock(primary);
  const s = await sideBlock(secondary);
  return {
    backends: {
      p: p.block,
      s: s.block,
      both: { vendor: 'mirror', primary: 'p', secondary: 's', queue: { path: join(directory, 'queue.db') }, timeoutMs: 2_000, retry: TEST_MIRROR_RETRY, ...mirror },
    },
    fakes: { ...(p.fake ? { p: p.fake } : {}), ...(s.fake ? { s: s.fake } : {}) },
    directory,
    close: async () => {
      await p.fake?.close();
      await s.fake?.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The backdoor of a side: its fake's own, or a read through its Backend object. */
export function sideBackdoor(setup: MirrorSetup, side: 'p' | 's', backend: Backend): Backdoor {
  const fake = setup.fakes[side];
  if (!fake) return unifiedBackdoor(backend);
  return findVendor(String(setup.backends[side]!.vendor))!.fake!.backdoor(fake);
}

export interface RunningMirror {
  setup: MirrorSetup;
  /** The mirror as callers get it (over HTTP, or the guarded Backend). */
  mirror: Backend;
  /** The two sides' Backend objects, as the host built them. */
  primary: Backend;
  secondary: Backend;
  server?: RunningImbridge;
  /** Every change record, of both sides. */
  changes: ChangeRecord[];
  /** The primary's records only: what a caller of the mirror is told happened. */
  primaryChanges: ChangeRecord[];
  close(): Promise<void>;
}

export async function startMirror(primary: Side, secondary: Side, options: { http?: boolean; mirror?: Record<string, unknown> } = {}): Promise<RunningMirror> {
  const setup = await mirrorSetup(primary, secondary, options.mirror);
  const changes: ChangeRecord[] = [];
  const primaryChanges: ChangeRecord[] = [];
  const record = (change: ChangeRecord) => {
    changes.push(change);
    if (change.backend === 'p') primaryChanges.push(change);
  };
  try {
    if (options.http === false) {
      const config = validateConfig({ defaultBackend: 'both', backends: setup.backends }, {});
      const backends = await createBackends(config.backends, { logger: createLogger(process.env.IMBRIDGE_TEST_LOG ?? 'silent'), changes: { emit: record } });
      return {
        setup,
        mirror: backends.get('both')!,
        primary: backends.get('p')!,
        secondary: backends.get('s')!,
        changes,
        primaryChanges,
        close: async () => {
          await Promise.all([...backends.values()].map((backend) => backend.close()));
          await setup.close();
        },
      };
    }
    const server = await serveImbridge({ defaultBackend: 'both', backends: setup.backends });
    server.changes.subscribe(record);
    return {
      setup,
      mirror: await connectHttpBackend({ url: server.url }),
      primary: server.backends.get('p')!,
      secondary: server.backends.get('s')!,
      server,
      changes,
      primaryChanges,
      close: async () => {
        await server.close();
        await setup.close();
      },
    };
  } catch (error) {
    await setup.close();
    throw error;
  }
}

/** A conformance target on a mirror: the backdoor reads the primary, the changes are the primary's. */
export function mirrorTarget(primary: Side, secondary: Side, options: { http?: boolean } = {}): TargetFactory {
  return async (): Promise<ConformanceTarget> => {
    const running = await startMirror(primary, secondary, options);
    const faults: FakeControl | undefined = running.setup.fakes.p?.control;
    return {
      backend: running.mirror,
      backdoor: sideBackdoor(running.setup, 'p', running.primary),
      // The mirror emits no records of its own: each side emits its own, under its own name.
      changes: running.primaryChanges,
      ...(faults ? { faults } : {}),
      // Every write the suite made must also have reached the secondary, none set aside.
      close: async () => {
        try {
          await eventually(async () => (await mirrorMetric(running, 'imbridge_mirror_queue_depth')) === 0, 10_000, 'an empty queue');
          const refused = await mirrorMetric(running, 'imbridge_mirror_failed_permanently_total');
          if (refused !== 0) throw new Error(`the secondary refused ${refused} of the suite's writes for good`);
        } finally {
          await running.close();
        }
      },
    };
  };
}

/** One of the mirror's metrics, read from `/metrics` when imbridge serves it. */
async function mirrorMetric(running: RunningMirror, name: string): Promise<number | undefined> {
  if (!running.server) return metric(running.mirror, name);
  return scraped(await (await fetch(`${running.server.url}/metrics`)).text(), name);
}

/** Polls until `condition` holds, or fails after `timeoutMs`. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A backend that can be switched off: while off, every facet call fails as a dead vendor's would. */
export interface Switchable {
  backend: Backend;
  /** Calls that reached the backend, as `path` (`users.put`) and arguments, in order. */
  calls: Array<{ method: string; args: unknown[] }>;
  /** From now on calls fail (those `when` picks, or all) with `error` (default: a 503 from the vendor). */
  off(options?: { error?: () => Error; when?: (method: string, args: unknown[]) => boolean }): void;
  on(): void;
  /** Calls reach the backend `ms` late (0: at once). */
  delay(ms: number): void;
}

const DOWN = () => new UpstreamError('UPSTREAM_UNAVAILABLE', 'the secondary is down (test)', { upstream: { vendor: 'test', status: 503, code: null, message: null } });

export function switchable(inner: Backend): Switchable {
  const calls: Switchable['calls'] = [];
  let failure: { error: () => Error; when: (method: string, args: unknown[]) => boolean } | undefined;
  let delayMs = 0;
  const wrap = (facet: Record<string, unknown>, path: string[]): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(facet).map(([key, value]) => {
        if (typeof value === 'function') {
          const method = [...path, key].join('.');
          return [
            key,
            async (...args: unknown[]) => {
              if (failure?.when(method, args)) throw failure.error();
              if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
              calls.push({ method, args });
              return (value as (...args: unknown[]) => Promise<unknown>).apply(facet, args);
            },
          ];
        }
        if (typeof value === 'object' && value !== null && path.length === 0 && !['capabilities', 'idRule', 'sendPolicy', 'upstream'].includes(key)) {
          return [key, wrap(value as Record<string, unknown>, [key])];
        }
        if (typeof value === 'object' && value !== null && path.length > 0) return [key, wrap(value as Record<string, unknown>, [...path, key])];
        return [key, value];
      }),
    );
  const wrapped = wrap(inner as unknown as Record<string, unknown>, []) as unknown as Backend;
  return {
    backend: { ...wrapped, health: () => inner.health(), close: () => inner.close() },
    calls,
    off: (options = {}) => {
      failure = { error: options.error ?? DOWN, when: options.when ?? (() => true) };
    },
    on: () => {
      failure = undefined;
    },
    delay: (ms) => {
      delayMs = ms;
    },
  };
}

/** A mirror over two native memory backends built by the test, the secondary switchable. */
export async function nativeMirror(mirror: Record<string, unknown> = {}): Promise<{
  mirror: Backend;
  primary: Backend;
  secondary: Switchable;
  changes: ChangeRecord[];
  /** The mirror's queue file. */
  queuePath: string;
  close(): Promise<void>;
}> {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-mirror-'));
  const changes: ChangeRecord[] = [];
  const logger = createLogger(process.env.IMBRIDGE_TEST_LOG ?? 'silent');
  const native = findVendor('native')!;
  const context = (name: string) => ({ name, logger, changes: { emit: (record: ChangeRecord) => changes.push(record) }, now: Date.now });
  const primary = await native.createBackend({ vendor: 'native', store: { driver: 'memory' } }, context('p'));
  const secondary = switchable(await native.createBackend({ vendor: 'native', store: { driver: 'memory' } }, context('s')));
  const config = validateConfig(
    {
      defaultBackend: 'both',
      backends: {
        p: { vendor: 'native', store: { driver: 'memory' } },
        s: { vendor: 'native', store: { driver: 'memory' } },
        both: { vendor: 'mirror', primary: 'p', secondary: 's', queue: { path: join(directory, 'queue.db') }, timeoutMs: 1_000, retry: TEST_MIRROR_RETRY, ...mirror },
      },
    },
    {},
  );
  const backends = await createBackends(config.backends, { logger, changes: { emit: (record) => changes.push(record) }, provided: new Map([['p', primary], ['s', secondary.backend]]) });
  return {
    mirror: backends.get('both')!,
    primary,
    secondary,
    changes,
    queuePath: join(directory, 'queue.db'),
    close: async () => {
      await Promise.all([...backends.values()].map((backend) => backend.close()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The value of one of the mirror's metrics, as the mirror reports it. */
export function metric(mirror: Backend, name: string): number {
  const found = mirror.metrics?.().find((entry) => entry.name === name);
  if (!found) throw new Error(`the mirror reports no ${name}`);
  return found.value;
}

/** A metric's value for backend `both` in a `/metrics` text. */
export function scraped(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}\\{backend="both"\\} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
