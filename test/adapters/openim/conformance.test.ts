/**
 * The conformance suite through real HTTP: imbridge serving the OpenIM backend, talking to the
 * OpenIM fake over loopback; writes are verified through the fake's own state (the backdoor).
 * Run on the 3.8.3 baseline, on 3.7 (legacy token route, no get_specified_blacks), and with
 * friendVerify for the messages facet.
 *
 * The backend is built here with `createBackend` from the same config block the server validates
 * (schemas/backends/openim.schema.json) and handed over as `provided`: under vitest the server's
 * own dynamic import of the adapter fails in vite's import helper; `npm start` is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpBackend, messagesFacet, runConformanceSuite, serveImbridge, type TargetFactory } from '../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../src/http/error-status.js';
import { createBackend, type OpenImConfig } from '../../../adapters/openim/index.js';
import { startFake } from '../../../adapters/openim/fake/index.js';
import { createBackdoor } from '../../../adapters/openim/fake/backdoor.js';

const silent = () => undefined;
const runner = { describe, it, expect, beforeAll, afterAll };

function target(version: string, friendVerify = false): TargetFactory {
  return async () => {
    const fake = await startFake({ port: 0, version, friendVerify });
    const block = {
      ...fake.backendConfig,
      timeoutMs: 2_000,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
    };
    const openim = await createBackend(block as unknown as OpenImConfig, {
      name: 'x',
      logger: { debug: silent, info: silent, warn: silent, error: silent },
      changes: { emit: silent },
      now: Date.now,
    });
    const server = await serveImbridge({ defaultBackend: 'x', backends: { x: block } }, { provided: new Map([['x', openim]]) });
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

runConformanceSuite(runner, target('3.8.3'), { name: 'openim(3.8.3)' });
runConformanceSuite(runner, target('3.7'), { name: 'openim(3.7)' });
messagesFacet(runner, target('3.8.3', true), { name: 'openim(3.8.3, friendVerify)', requireFriendship: true, statusFor: httpStatusForCode });
