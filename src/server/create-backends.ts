/**
 * Builds the configured backends. Each vendor's adapter is loaded only when a backend uses it,
 * through its descriptor in `adapters/index.ts`, whose `createBackend` receives its validated
 * config block. A backend made of others asks for them by name (`context.backend`); they are
 * built first, once, and a missing name or a cycle stops start-up as a config error.
 */
import type { Logger } from 'pino';
import type { Backend, BackendFactory, ChangeSink, SharedState } from '../spec/index.js';
import type { BackendConfig } from '../config/config-types.js';
import { ConfigError } from '../config/load-config.js';
import { findVendor } from '../../adapters/index.js';

async function loadFactory(vendorName: string): Promise<BackendFactory<BackendConfig>> {
  const vendor = findVendor(vendorName);
  if (!vendor) throw new Error(`unknown vendor "${vendorName}"`);
  return (config, context) => vendor.createBackend(config, context);
}

/** A backend's factory failed; its message already names the backend, so nobody names it again. */
class BackendCreationError extends Error {}

export interface CreateBackendsOptions {
  logger: Logger;
  changes: ChangeSink;
  now?: () => number;
  /** What the backends keep for several instances (the coordination's); absent = each backend's own memory. */
  state?: SharedState;
  /** Ready-made backends by name, used instead of building from config (tests, embedding). */
  provided?: ReadonlyMap<string, Backend>;
  /** Build only these (and the backends they need); absent = every configured one. */
  only?: readonly string[];
}

export async function createBackends(configs: Record<string, BackendConfig>, options: CreateBackendsOptions): Promise<Map<string, Backend>> {
  const builds = new Map<string, Promise<Backend>>();
  const configured = Object.keys(configs);

  // `path`: the backends waiting for this one, outermost first, so a cycle can be named whole.
  const build = (name: string, path: readonly string[]): Promise<Backend> => {
    const asker = path.at(-1);
    if (path.includes(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' → ');
      return Promise.reject(new ConfigError([`backends.${asker}: backends cannot need each other in a cycle (${cycle})`]));
    }
    const started = builds.get(name);
    if (started) return started;
    const config = configs[name];
    if (!config) {
      const who = asker === undefined ? `backend "${name}"` : `backends.${asker}: needs backend "${name}", which`;
      return Promise.reject(new ConfigError([`${who} is not configured (configured: ${configured.join(', ')})`]));
    }
    const building = (async () => {
      const provided = options.provided?.get(name);
      if (provided) return provided;
      const factory = await loadFactory(config.vendor);
      const logger = options.logger.child({ backend: name, vendor: config.vendor });
      try {
        return await factory(config, {
          name,
          logger,
          changes: options.changes,
          now: options.now ?? Date.now,
          ...(options.state ? { state: options.state } : {}),
          backend: (other) => build(other, [...path, name]),
        });
      } catch (error) {
        if (error instanceof ConfigError || error instanceof BackendCreationError) throw error;
        throw new BackendCreationError(`backends.${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    })();
    builds.set(name, building);
    return building;
  };

  try {
    // One at a time, in config order: a backend's start-up errors then read in the file's order.
    for (const name of options.only ?? configured) await build(name, []);
  } catch (error) {
    const settled = await Promise.allSettled(builds.values());
    await Promise.all(settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
    throw error;
  }
  const backends = new Map<string, Backend>();
  for (const name of configured) {
    const built = builds.get(name);
    if (built) backends.set(name, await built);
  }
  return backends;
}
