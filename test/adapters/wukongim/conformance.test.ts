/**
 * The conformance suite through real HTTP: imbridge serving the WuKongIM backend, talking to the
 * fake over loopback; writes verified through the fake's own state (the backdoor). The whole
 * suite runs with the vendor default `whitelistOffOfPerson: true`; the messages facet runs again
 * with `false`, where friendship gates direct messages (`requireFriendship`).
 *
 * The backend is built here with `createBackend` from the same config block the server validates
 * and handed over as `provided`: under vitest the server's own
 * `import(\`../../adapters/${vendor}/index.js\`)` fails in vite's dynamic-import helper
 * ("Unknown variable dynamic import"); `npm start` is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpBackend, messagesFacet, runConformanceSuite, serveImbridge, type TargetFactory } from '../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../src/http/error-status.js';
import { createBackend, type WukongimConfig } from '../../../adapters/wukongim/index.js';
import { startFake } from '../../../adapters/wukongim/fake/index.js';
import { createBackdoor } from '../../../adapters/wukongim/fake/backdoor.js';

const silent = () => undefined;

function target(whitelistOffOfPerson: boolean): TargetFactory {
  return async () => {
    const fake = await startFake({ port: 0, whitelistOffOfPerson });
    const block = { ...fake.backendConfig, timeoutMs: 2_000, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 } };
    const wukongim = await createBackend(block as unknown as WukongimConfig, {
      name: 'x',
      logger: { debug: silent, info: silent, warn: silent, error: silent },
      changes: { emit: silent },
      now: Date.now,
    });
    const server = await serveImbridge({ defaultBackend: 'x', backends: { x: block } }, { provided: new Map([['x', wukongim]]) });
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

const runner = { describe, it, expect, beforeAll, afterAll };

// The vendor default: person whitelists are not enforced, friendship does not gate sending.
runConformanceSuite(runner, target(true), { name: 'wukongim' });

// whitelistOffOfPerson=false: the backend requires friendship for direct messages, as WuKongIM does.
messagesFacet(runner, target(false), { name: 'wukongim(whitelistOffOfPerson=false)', requireFriendship: true, statusFor: httpStatusForCode });
