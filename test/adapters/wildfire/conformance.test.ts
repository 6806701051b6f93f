/**
 * The conformance suite through real HTTP: imbridge serving the Wildfire backend, talking to the
 * fake over loopback; writes verified through the fake's own state (the backdoor). Run for both
 * editions (pro adds member mutes, the group whitelist and conversation delete), and once with
 * requireFriendship for the messages facet.
 *
 * The backend is built here with `createBackend` from the same config block the server validates
 * and handed over as `provided` (under vitest the server's own dynamic import of the adapter
 * fails in vite's import helper; `npm start` is unaffected). The server closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpBackend, messagesFacet, runConformanceSuite, serveImbridge, type TargetFactory } from '../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../src/http/error-status.js';
import { createBackend, type WildfireConfig } from '../../../adapters/wildfire/index.js';
import { startFake } from '../../../adapters/wildfire/fake/index.js';
import { createBackdoor } from '../../../adapters/wildfire/fake/backdoor.js';

const silent = () => undefined;
const runner = { describe, it, expect, beforeAll, afterAll };

function target(edition: 'community' | 'pro', requireFriendship = false): TargetFactory {
  return async () => {
    const fake = await startFake({ port: 0, edition });
    const block = {
      ...fake.backendConfig,
      timeoutMs: 2_000,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
      ...(requireFriendship ? { policy: { requireFriendship: true } } : {}),
    };
    const wildfire = await createBackend(block as unknown as WildfireConfig, {
      name: 'x',
      logger: { debug: silent, info: silent, warn: silent, error: silent },
      changes: { emit: silent },
      now: Date.now,
    });
    const server = await serveImbridge({ defaultBackend: 'x', backends: { x: block } }, { provided: new Map([['x', wildfire]]) });
    const backend = await connectHttpBackend({ url: server.url });
    return {
      backend,
      backdoor: createBackdoor(fake),
      close: async () => {
        await server.close();
        await fake.close();
      },
    };
  };
}

for (const edition of ['community', 'pro'] as const) {
  runConformanceSuite(runner, target(edition), { name: `wildfire(${edition})` });
}
messagesFacet(runner, target('community', true), { name: 'wildfire(community)', requireFriendship: true, statusFor: httpStatusForCode });
