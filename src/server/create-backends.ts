/**
 * Builds the configured backends. Each vendor's adapter is loaded only when a backend uses it,
 * from `adapters/<vendor>/index.ts`, whose `createBackend` receives its validated config block.
 */
import type { Logger } from 'pino';
import type { Backend, BackendFactory, ChangeSink } from '../spec/index.js';
import type { BackendConfig } from '../config/config-types.js';

type AdapterModule = { createBackend?: BackendFactory<BackendConfig> };

// Literal paths (not a template) so that every bundler and test runner can see each adapter.
const ADAPTERS: Readonly<Record<string, () => Promise<AdapterModule>>> = {
  native: () => import('../../adapters/native/index.js') as unknown as Promise<AdapterModule>,
  wukongim: () => import('../../adapters/wukongim/index.js') as unknown as Promise<AdapterModule>,
  agora: () => import('../../adapters/agora/index.js') as unknown as Promise<AdapterModule>,
  openim: () => import('../../adapters/openim/index.js') as unknown as Promise<AdapterModule>,
  wildfire: () => import('../../adapters/wildfire/index.js') as unknown as Promise<AdapterModule>,
};

export const VENDORS = Object.keys(ADAPTERS);

async function loadFactory(vendor: string): Promise<BackendFactory<BackendConfig>> {
  const load = ADAPTERS[vendor];
  if (!load) throw new Error(`unknown vendor "${vendor}"`);
  const module = await load();
  if (typeof module.createBackend !== 'function') throw new Error(`adapters/${vendor} does not export createBackend`);
  return module.createBackend;
}

export interface CreateBackendsOptions {
  logger: Logger;
  changes: ChangeSink;
  now?: () => number;
  /** Ready-made backends by name, used instead of building from config (tests, embedding). */
  provided?: ReadonlyMap<string, Backend>;
}

export async function createBackends(configs: Record<string, BackendConfig>, options: CreateBackendsOptions): Promise<Map<string, Backend>> {
  const backends = new Map<string, Backend>();
  try {
    for (const [name, config] of Object.entries(configs)) {
      const provided = options.provided?.get(name);
      if (provided) {
        backends.set(name, provided);
        continue;
      }
      const factory = await loadFactory(config.vendor);
      const logger = options.logger.child({ backend: name, vendor: config.vendor });
      try {
        backends.set(name, await factory(config, { name, logger, changes: options.changes, now: options.now ?? Date.now }));
      } catch (error) {
        throw new Error(`backends.${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  } catch (error) {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
    throw error;
  }
  return backends;
}
