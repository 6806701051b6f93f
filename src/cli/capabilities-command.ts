/** `imbridge capabilities`: a backend's capability document, built from the config without serving. */
import { loadConfig } from '../config/load-config.js';
import { createBackends } from '../server/create-backends.js';
import { createLogger } from '../server/create-logger.js';
import { ChangeLog } from '../server/change-log.js';
import { configPath } from './config-path.js';
import { usage } from './exit-codes.js';

export async function capabilities(flags: { config?: string; backend?: string }): Promise<void> {
  const config = loadConfig(configPath(flags.config));
  const name = flags.backend ?? config.defaultBackend;
  if (!config.backends[name]) usage(`no backend named "${name}" in the config; it has: ${Object.keys(config.backends).join(', ')}`);
  // The whole config, building only this backend and those it is made of (a mirror's two sides).
  const backends = await createBackends(config.backends, { logger: createLogger('silent'), changes: new ChangeLog(), only: [name] });
  const backend = backends.get(name)!;
  process.stdout.write(`${JSON.stringify({ backend: name, vendor: backend.vendor, capabilities: backend.capabilities, idRule: backend.idRule }, null, 2)}\n`);
  await Promise.all([...backends.values()].map((built) => built.close()));
}
