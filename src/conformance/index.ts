/**
 * The reusable conformance suite. Give it your test runner and a factory for a fresh target (a
 * backend plus an independent backdoor read of its state); it registers one describe block per
 * facet, skips what the backend does not declare, and checks that what it declares missing
 * answers 501/422 rather than succeeding.
 *
 * ```ts
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * runConformanceSuite({ describe, it, expect, beforeAll, afterAll }, async () => ({ backend, backdoor, close }));
 * ```
 */
import { httpStatusForCode } from '../http/error-status.js';
import { HttpBackend, type HttpBackendOptions } from '../client/http-backend.js';
import { validateConfig } from '../config/load-config.js';
import { createLogger } from '../server/create-logger.js';
import { startServer, type RunningImbridge } from '../server/start-server.js';
import type { Backend, ChangeRecord } from '../spec/index.js';
import type { FakeControl } from '../testing/index.js';
import { createBackends } from '../server/create-backends.js';
import { allOrNothingFacet } from './facets/all-or-nothing.js';
import { blocksFacet } from './facets/blocks.js';
import { changeRecordsFacet } from './facets/change-records.js';
import { concurrencyFacet, type ConcurrencyOptions } from './facets/concurrency.js';
import { conversationsFacet } from './facets/conversations.js';
import { enumerationFacet } from './facets/enumeration.js';
import { friendRequestsFacet } from './facets/friend-requests.js';
import { friendsFacet } from './facets/friends.js';
import { messagesFacet } from './facets/messages.js';
import { relationsFacet } from './facets/relations.js';
import { roomBlocksFacet } from './facets/room-blocks.js';
import { roomMembersFacet } from './facets/room-members.js';
import { roomMuteAllFacet } from './facets/room-mute-all.js';
import { roomMutesFacet } from './facets/room-mutes.js';
import { roomWhitelistFacet } from './facets/room-whitelist.js';
import { roomsFacet } from './facets/rooms.js';
import { unsupportedFacet } from './facets/unsupported.js';
import { userWhitelistFacet } from './facets/user-whitelist.js';
import { usersFacet } from './facets/users.js';
import type { Backdoor } from './backdoor.js';
import type { ConformanceOptions, ConformanceRunner, TargetFactory } from './suite-context.js';

export type { Backdoor, BackdoorRoom } from './backdoor.js';
export type { ConformanceOptions, ConformanceRunner, ConformanceTarget, TargetFactory } from './suite-context.js';
export { randomId } from './suite-context.js';
export { httpInputSuite } from './http-input.js';
export type { ConcurrencyOptions };
export {
  allOrNothingFacet,
  concurrencyFacet,
  blocksFacet,
  changeRecordsFacet,
  conversationsFacet,
  enumerationFacet,
  friendRequestsFacet,
  friendsFacet,
  messagesFacet,
  relationsFacet,
  roomBlocksFacet,
  roomMembersFacet,
  roomMuteAllFacet,
  roomMutesFacet,
  roomWhitelistFacet,
  roomsFacet,
  unsupportedFacet,
  userWhitelistFacet,
  usersFacet,
};

export const FACETS = [
  usersFacet,
  friendsFacet,
  friendRequestsFacet,
  blocksFacet,
  relationsFacet,
  userWhitelistFacet,
  roomsFacet,
  roomMembersFacet,
  roomMutesFacet,
  roomMuteAllFacet,
  roomWhitelistFacet,
  roomBlocksFacet,
  enumerationFacet,
  conversationsFacet,
  messagesFacet,
  unsupportedFacet,
  changeRecordsFacet,
  allOrNothingFacet,
  concurrencyFacet,
] as const;

/** Every facet against targets from `factory`. Set `http: true` when the target talks HTTP. */
export function runConformanceSuite(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions & { http?: boolean } = {}): void {
  const facetOptions: ConformanceOptions = { ...options };
  // Through HTTP every error must also arrive with the contract's status.
  if (options.http !== false) facetOptions.statusFor ??= httpStatusForCode;
  for (const facet of FACETS) facet(runner, factory, facetOptions);
}

/** Starts imbridge on a free loopback port with `config` (the YAML shape, as an object). */
export async function serveImbridge(config: Record<string, unknown>, options: { provided?: ReadonlyMap<string, Backend> } = {}): Promise<RunningImbridge> {
  const validated = validateConfig({ ...config, server: { host: '127.0.0.1', port: 0, ...(config.server as object | undefined) } }, {});
  return startServer(validated, { logger: createLogger(process.env.IMBRIDGE_TEST_LOG ?? 'silent'), ...(options.provided ? { provided: options.provided } : {}) });
}

/** What a vendor fake's `startFake` gives back (see docs/architecture.md). */
export interface RunningFake {
  backendConfig: Record<string, unknown>;
  /** The fault hook every bundled fake mounts. */
  control?: FakeControl;
  close(): Promise<void>;
}

/** Retries fast enough for tests, still exercising the retry path. */
export const TEST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 } as const;

export interface FakeTargetOptions {
  /** Keys added to the fake's own backend block. */
  overrides?: Record<string, unknown>;
  /**
   * `true` (the default): the backend is served by imbridge and called through `HttpBackend`, so
   * the HTTP layer's answers are checked too. `false`: the suite calls the Backend object itself,
   * as the facades and library users do, with nothing in front of it but the contract's guard.
   */
  http?: boolean;
}

/**
 * A target on a vendor fake: the fake, a backend configured from the fake's own `backendConfig`
 * (plus `overrides`), and the fake's backdoor; through real HTTP or direct.
 */
export function fakeTarget<Fake extends RunningFake>(
  startFake: () => Promise<Fake>,
  backdoor: (fake: Fake) => Backdoor,
  options: FakeTargetOptions = {},
): TargetFactory {
  return async () => {
    const fake = await startFake();
    const block = { ...fake.backendConfig, timeoutMs: 2_000, retry: TEST_RETRY, ...options.overrides };
    const changes: ChangeRecord[] = [];
    const faults = fake.control ? { faults: fake.control } : {};
    try {
      if (options.http === false) {
        const config = validateConfig({ defaultBackend: 'x', backends: { x: block } }, {});
        const backends = await createBackends(config.backends, { logger: createLogger('silent'), changes: { emit: (record) => changes.push(record) } });
        const backend = backends.get('x')!;
        return {
          backend,
          backdoor: backdoor(fake),
          changes,
          ...faults,
          close: async () => {
            await backend.close();
            await fake.close();
          },
        };
      }
      const server = await serveImbridge({ defaultBackend: 'x', backends: { x: block } });
      server.changes.subscribe((record) => changes.push(record));
      const backend = await connectHttpBackend({ url: server.url });
      return {
        backend,
        backdoor: backdoor(fake),
        changes,
        ...faults,
        close: async () => {
          await server.close();
          await fake.close();
        },
      };
    } catch (error) {
      await fake.close();
      throw error;
    }
  };
}

/** A Backend speaking to an imbridge server over HTTP. */
export function connectHttpBackend(options: HttpBackendOptions): Promise<HttpBackend> {
  return HttpBackend.connect(options);
}
