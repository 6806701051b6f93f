/**
 * `imbridge config check`: every check start-up makes of the config (schema, each vendor's block,
 * environment variables, the loopback rule, the facades' credentials), without building a backend
 * or opening a port, so a deploy pipeline can refuse a bad config before it replaces a running one.
 */
import { loadConfig } from '../config/load-config.js';
import { configPath } from './config-path.js';

export function configCheck(flags: { config?: string }): void {
  const path = configPath(flags.config);
  const config = loadConfig(path);
  const backends = Object.entries(config.backends).map(([name, block]) => `${name} (${block.vendor})`);
  const facades = Object.keys(config.compat);
  const lines = [
    `${path ?? 'the built-in default config'}: valid`,
    `  listens on ${config.server.host}:${config.server.port}`,
    `  backends: ${backends.join(', ')}; default ${config.defaultBackend}`,
    `  facades: ${facades.length > 0 ? facades.map((vendor) => `/compat/${vendor}`).join(', ') : 'none'}`,
    `  API keys: ${config.auth.apiKeys.length}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
