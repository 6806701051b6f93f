// The vendor client's metrics follow what happened to each call: no answer, then the circuit
// opening and refusing calls, each labelled with the backend and operation of its scope.
import { createServer } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { VendorHttpClient, registerVendorCallMetrics, runInCallScope } from '../../src/runtime/index.js';

/** A port nothing listens on: every call gets no answer. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('vendor-call metrics', () => {
  it('count unanswered calls, then show the circuit open and the calls it refuses', async () => {
    const registry = new Registry();
    registerVendorCallMetrics(registry);
    const client = new VendorHttpClient({ vendor: 'metricsvendor', baseUrl: `http://127.0.0.1:${await closedPort()}`, retry: { maxAttempts: 1 }, circuit: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    try {
      const call = () => runInCallScope({ backend: 'mv', operation: 'relations.get' }, () => client.request({ method: 'GET', path: '/x', idempotent: true }));
      for (let index = 0; index < 3; index += 1) await expect(call()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      const text = await registry.metrics();
      expect(text).toContain('imbridge_vendor_calls_total{backend="mv",vendor="metricsvendor",operation="relations.get",outcome="unavailable"} 2');
      expect(text).toContain('imbridge_vendor_calls_total{backend="mv",vendor="metricsvendor",operation="relations.get",outcome="circuit_open"} 1');
      expect(text).toContain('imbridge_vendor_call_duration_seconds_count{backend="mv",vendor="metricsvendor",operation="relations.get",outcome="no_answer"} 2');
      expect(text).toContain('imbridge_vendor_circuit_state{backend="mv",vendor="metricsvendor"} 2');
    } finally {
      await client.close();
    }
    // A closed client is no longer reported.
    expect(await registry.metrics()).not.toContain('imbridge_vendor_circuit_state{backend="mv"');
  });
});
