// A backend's own metrics reach /metrics, labelled with its name, read anew on every scrape.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import { findVendor } from '../../adapters/index.js';
import { createLogger } from '../../src/server/create-logger.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

describe('backend metrics on /metrics', () => {
  let running: RunningImbridge;
  let retries = 0;
  beforeAll(async () => {
    const native = await findVendor('native')!.createBackend({ vendor: 'native', store: { driver: 'memory' } }, { name: 'counting', logger: createLogger('silent'), changes: { emit: () => undefined }, now: Date.now });
    const counting = {
      ...native,
      metrics: () => [
        { name: 'imbridge_test_retries_total', help: 'Retries (test)', type: 'counter' as const, value: retries },
        { name: 'imbridge_test_depth', help: 'Depth (test)', type: 'gauge' as const, value: retries * 10 },
      ],
    };
    running = await serveImbridge(
      { defaultBackend: 'counting', backends: { counting: { vendor: 'native', store: { driver: 'memory' } }, plain: { vendor: 'native', store: { driver: 'memory' } } } },
      { provided: new Map([['counting', counting]]) },
    );
  });
  afterAll(() => running.close());

  it('serves each value with the backend label, current at each scrape', async () => {
    const first = await supertest(running.server).get('/metrics');
    expect(first.text).toContain('# TYPE imbridge_test_retries_total counter');
    expect(first.text).toContain('imbridge_test_retries_total{backend="counting"} 0');
    expect(first.text).toContain('# TYPE imbridge_test_depth gauge');
    retries = 3;
    const second = await supertest(running.server).get('/metrics');
    expect(second.text).toContain('imbridge_test_retries_total{backend="counting"} 3');
    expect(second.text).toContain('imbridge_test_depth{backend="counting"} 30');
    expect(second.text).not.toMatch(/imbridge_test_\w+\{backend="plain"\}/);
  });
});
