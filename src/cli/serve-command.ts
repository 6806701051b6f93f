/** `imbridge serve`: the server, until SIGINT or SIGTERM (which main.ts also sends when the npm that started it goes away). */
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../server/create-logger.js';
import { startServer } from '../server/start-server.js';
import { configPath } from './config-path.js';

export async function serve(flags: { config?: string }): Promise<void> {
  const config = loadConfig(configPath(flags.config));
  const running = await startServer(config);
  // Start-up and shutdown are announced even when the configured level quiets request logs.
  const logger = createLogger(config.server.logLevel === 'silent' ? 'silent' : 'info');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Announced once a signal would stop it cleanly: whoever waits for this line may stop it at once.
  logger.info({ url: running.url, backends: [...running.backends.keys()], defaultBackend: config.defaultBackend }, 'imbridge listening');
}
