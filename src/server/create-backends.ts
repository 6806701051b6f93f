/**
 * Builds the configured backends. Each vendor's adapter is loaded only when a backend uses it,
 * through its descriptor in `adapters/index.ts`, whose `createBackend` receives its validated
 * config block.
 */
import type { Logger } from 'pino';
import type { Backend, BackendFactory, ChangeSink } from '../spec/index.js';
import type { BackendConfig } from '../config/config-types.js';
import { findVendor } from '../../adapters/index.js';

async function loadFactory(vendorName: string): Promise<BackendFactory<BackendConfig>> {
  const vendor = findVendor(vendorName);
  if (!vendor) throw new Error(`unknown vendor "${vendorName}"`);
  return (config, context) => vendor.createBackend(config, context);
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
