/**
 * A mirror: two backends as one. Its facets are built by walking the primary's, so every method
 * of the contract, including ones added after this file, is routed by its name: reads go to the
 * primary only, writes through `MirrorWrites` to the primary and then the secondary.
 *
 * `primary` and `secondary` are taken as given and walked as plain objects: pass them guarded
 * (`guardBackend`), as `createBackend` does, so that their facets hold exactly the contract's
 * methods and each call meets its backend's own rules and locks.
 */
import { SPEC_VERSION, type Backend, type BackendHealth } from '../../../src/spec/index.js';
import { combinedCapabilities, stricterIdRule } from './combined-capabilities.js';
import { isReadMethod } from './is-read-method.js';
import { MirrorWrites, type MirrorWritesOptions } from './mirror-writes.js';

/** Members of a Backend that are data, or the mirror's own, rather than facets to route. */
const NOT_ROUTED: ReadonlySet<string> = new Set(['specVersion', 'name', 'vendor', 'capabilities', 'idRule', 'sendPolicy', 'upstream', 'health', 'close', 'metrics']);

/** How long `/readyz` waits for the secondary's own health before saying it did not answer. */
const SECONDARY_HEALTH_WAIT_MS = 1_000;

type Write = (method: string, args: unknown[]) => Promise<unknown>;

function routed(facet: Record<string, unknown>, path: readonly string[], write: Write): Record<string, unknown> {
  const mirrored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(facet)) {
    if (path.length === 0 && NOT_ROUTED.has(key)) continue;
    const method = [...path, key].join('.');
    if (typeof value === 'function') {
      mirrored[key] = isReadMethod(key) ? (value as (...args: unknown[]) => unknown).bind(facet) : (...args: unknown[]) => write(method, args);
    } else if (typeof value === 'object' && value !== null) {
      mirrored[key] = routed(value as Record<string, unknown>, [...path, key], write);
    }
  }
  return mirrored;
}

async function secondaryHealth(secondary: Backend): Promise<BackendHealth> {
  const silent = new Promise<BackendHealth>((resolve) => {
    setTimeout(() => resolve({ ok: false, detail: `no answer within ${SECONDARY_HEALTH_WAIT_MS} ms` }), SECONDARY_HEALTH_WAIT_MS).unref();
  });
  return Promise.race([secondary.health().catch((error: unknown) => ({ ok: false, detail: String(error) })), silent]);
}

export interface MirrorBackendOptions extends MirrorWritesOptions {
  /** The mirror's name in the config. */
  name: string;
}

export function createMirrorBackend(options: MirrorBackendOptions): Backend {
  const { name, primary, secondary } = options;
  const writes = new MirrorWrites(options);
  const facets = routed(primary as unknown as Record<string, unknown>, [], (method, args) => writes.write(method, args));
  // The facets are the primary's shape, method for method, which is the Backend interface.
  const mirror = {
    ...facets,
    specVersion: SPEC_VERSION,
    name,
    vendor: 'mirror',
    capabilities: combinedCapabilities(primary.capabilities, secondary.capabilities),
    idRule: stricterIdRule(primary.idRule, secondary.idRule),
    // The primary answers every send, so its policy is the one callers meet.
    ...(primary.sendPolicy ? { sendPolicy: primary.sendPolicy } : {}),
    metrics: () => writes.metrics(),
    // Ready when the primary is: while the secondary is down its writes wait in the queue.
    health: async (): Promise<BackendHealth> => {
      const [first, second] = await Promise.all([primary.health(), secondaryHealth(secondary)]);
      const state = (health: BackendHealth) => (health.ok ? 'ok' : `down (${health.detail ?? 'no detail'})`);
      return { ok: first.ok, detail: `primary ${primary.name}: ${state(first)}; secondary ${secondary.name}: ${state(second)}; writes queued for the secondary: ${writes.depth}` };
    },
    // The two backends are the config's own and the host closes them; the mirror closes its queue.
    close: () => writes.close(),
  };
  return mirror as unknown as Backend;
}
