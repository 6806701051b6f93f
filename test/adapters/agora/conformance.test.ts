/**
 * The conformance suite through real HTTP: imbridge serving this vendor's backend, talking to the
 * Agora fake over loopback; writes are verified through the fake's own state (the backdoor).
 *
 * The backend is built here with `createBackend` from the same config block the server validates
 * (schemas/backends/agora.schema.json) and handed over as `provided`: under vitest, the server's
 * own `import(\`../../adapters/${vendor}/index.js\`)` is rewritten by vite's dynamic-import helper,
 * which knows no `.js` file there ("Unknown variable dynamic import"). `npm start` is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpBackend, runConformanceSuite, serveImbridge } from '../../../src/conformance/index.js';
import { createBackend, type AgoraConfig } from '../../../adapters/agora/index.js';
import { startFake } from '../../../adapters/agora/fake/index.js';
import { createBackdoor } from '../../../adapters/agora/fake/backdoor.js';

const silent = () => undefined;

runConformanceSuite(
  { describe, it, expect, beforeAll, afterAll },
  async () => {
    const fake = await startFake({ port: 0 });
    const block = { ...fake.backendConfig, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5000 } };
    const agora = await createBackend(block as unknown as AgoraConfig, {
      name: 'x',
      logger: { debug: silent, info: silent, warn: silent, error: silent },
      changes: { emit: silent },
      now: Date.now,
    });
    const server = await serveImbridge({ defaultBackend: 'x', backends: { x: block } }, { provided: new Map([['x', agora]]) });
    const backend = await connectHttpBackend({ url: server.url });
    return {
      backend,
      backdoor: createBackdoor(fake),
      close: async () => {
        await server.close();
        await fake.close();
      },
    };
  },
  { name: 'agora' },
);
