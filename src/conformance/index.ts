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
import type { Backend } from '../spec/index.js';
import { blocksFacet } from './facets/blocks.js';
import { conversationsFacet } from './facets/conversations.js';
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
export {
  blocksFacet,
  conversationsFacet,
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
  conversationsFacet,
  messagesFacet,
  unsupportedFacet,
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

/** What a vendor fake's `startFake` gives back (see docs/adapter-brief.md). */
export interface RunningFake {
  backendConfig: Record<string, unknown>;
  close(): Promise<void>;
}

/** Retries fast enough for tests, still exercising the retry path. */
export const TEST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 } as const;

/**
 * A target on a vendor fake, through real HTTP: the fake, imbridge serving a backend configured
 * from the fake's own `backendConfig` (plus `overrides`), and the fake's backdoor.
 */
export function fakeTarget<Fake extends RunningFake>(
  startFake: () => Promise<Fake>,
  backdoor: (fake: Fake) => Backdoor,
  overrides: Record<string, unknown> = {},
): TargetFactory {
  return async () => {
    const fake = await startFake();
    try {
      const server = await serveImbridge({ defaultBackend: 'x', backends: { x: { ...fake.backendConfig, timeoutMs: 2_000, retry: TEST_RETRY, ...overrides } } });
      const backend = await connectHttpBackend({ url: server.url });
      return {
        backend,
        backdoor: backdoor(fake),
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
