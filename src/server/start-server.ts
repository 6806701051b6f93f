/** Starts imbridge: config → backends → app → listening socket, and stops it cleanly. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Backend } from '../spec/index.js';
import type { ImbridgeConfig } from '../config/config-types.js';
import { createApp } from '../http/create-app.js';
import { ChangeLog } from './change-log.js';
import { createBackends } from './create-backends.js';
import { createLogger } from './create-logger.js';

export interface RunningImbridge {
  url: string;
  port: number;
  server: Server;
  backends: Map<string, Backend>;
  changes: ChangeLog;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  provided?: ReadonlyMap<string, Backend>;
  now?: () => number;
}

export async function startServer(config: ImbridgeConfig, options: StartOptions = {}): Promise<RunningImbridge> {
  const logger = options.logger ?? createLogger(config.server.logLevel);
  const changes = new ChangeLog(logger);
  const backends = await createBackends(config.backends, { logger, changes, ...(options.provided ? { provided: options.provided } : {}), ...(options.now ? { now: options.now } : {}) });
  const app = createApp({ config, backends, logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.server.port, config.server.host);
    listening.once('error', reject);
    listening.once('listening', () => resolve(listening));
  }).catch(async (error: unknown) => {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
    throw error;
  });
  // Keep-alive sockets from load balancers must outlive the balancer's idle timeout.
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    port: address.port,
    server,
    backends,
    changes,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight get a few seconds to finish; idle keep-alive sockets must not hold the stop.
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        idle.unref();
        server.once('close', () => {
          clearTimeout(force);
          clearInterval(idle);
        });
      });
      await Promise.all([...backends.values()].map((backend) => backend.close()));
    },
  };
}
