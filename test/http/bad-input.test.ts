// Every class of bad input on every route gets its documented 4xx, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpInputSuite, serveImbridge } from '../../src/conformance/index.js';

httpInputSuite({ describe, it, expect, beforeAll, afterAll }, async () => {
  const running = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
  return { server: running.server, close: running.close };
}, { name: 'native/memory' });
