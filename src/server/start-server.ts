/** Starts imbridge: config → backends → app → listening socket, and stops it cleanly. */
import { STATUS_CODES, createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Backend } from '../spec/index.js';
import type { ImbridgeConfig } from '../config/config-types.js';
import { createApp } from '../http/create-app.js';
import { createCoordination } from '../coordination/index.js';
import { createEventHub } from '../events/create-event-hub.js';
import type { EventHub } from '../events/index.js';
import { ChangeLog } from './change-log.js';
import { createBackends } from './create-backends.js';
import { createLogger } from './create-logger.js';

export interface RunningImbridge {
  url: string;
  port: number;
  server: Server;
  backends: Map<string, Backend>;
  changes: ChangeLog;
  events: EventHub;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  provided?: ReadonlyMap<string, Backend>;
  now?: () => number;
  /** Tighter HTTP limits (tests use them to see a slow client cut in seconds). */
  limits?: Partial<ServerLimits>;
  /** How often backends' health is checked in the background (ms); default 5 s. */
  healthIntervalMs?: number;
}

/**
 * Limits of the HTTP server (docs/api.md, "Conventions"). The request line and headers may take
 * 80 KiB, so a query holding the 1,000 ids the schemas allow fits (Node's default is 16 KiB);
 * a client has 10 s for its headers and 30 s for the whole request, so slow clients cannot hold
 * sockets for minutes. Node checks those deadlines every `connectionsCheckingInterval` (30 s by
 * default, which would let a slow client stay twice as long), here every second; past
 * `maxConnections` new sockets are closed at once.
 */
export const SERVER_LIMITS = { maxHeaderSize: 80 * 1024, headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, maxConnections: 10_000 } as const;

export type ServerLimits = { -readonly [Key in keyof typeof SERVER_LIMITS]: number };

/** What Node's HTTP parser refuses before any route runs, answered in the unified envelope. */
function answerClientError(limits: ServerLimits, error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `the request line and headers exceed ${limits.maxHeaderSize / 1024} KiB`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, `the request did not arrive within ${limits.requestTimeout / 1000} s`]
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code: 'INVALID_ARGUMENT', message, retryable: status === 408 } });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function startServer(config: ImbridgeConfig, options: StartOptions = {}): Promise<RunningImbridge> {
  const logger = options.logger ?? createLogger(config.server.logLevel);
  // Before the backends: the native backend hands over records its last run left behind as it opens.
  const events = createEventHub(config.events, logger.child({ component: 'events' }));
  const changes = new ChangeLog(logger, events);
  const coordination = await createCoordination(config.coordination).catch(async (error: unknown) => {
    await events.close();
    throw error;
  });
  const backends = await createBackends(config.backends, { logger, changes, state: coordination.state, ...(options.provided ? { provided: options.provided } : {}), ...(options.now ? { now: options.now } : {}) }).catch(
    async (error: unknown) => {
      await coordination.close();
      await events.close();
      throw error;
    },
  );
  const app = createApp({
    config,
    backends,
    logger,
    events,
    idempotency: coordination.idempotency,
    lock: coordination.lock,
    ...(options.healthIntervalMs !== undefined ? { healthIntervalMs: options.healthIntervalMs } : {}),
  });
  const limits: ServerLimits = { ...SERVER_LIMITS, ...options.limits };
  const server = await new Promise<Server>((resolve, reject) => {
    const { maxConnections, ...httpOptions } = limits;
    const listening = createServer(httpOptions, app.listener);
    listening.maxConnections = maxConnections;
    listening.on('clientError', (error: Error & { code?: string }, socket: Duplex) => answerClientError(limits, error, socket));
    listening.once('error', reject);
    listening.once('listening', () => resolve(listening));
    listening.listen(config.server.port, config.server.host);
  }).catch(async (error: unknown) => {
    await Promise.all([...backends.values()].map((backend) => backend.close()));
    await coordination.close();
    await events.close();
    throw error;
  });
  events.start();
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
    events,
    close: async () => {
      // Open event streams would otherwise hold the server for the 5 s grace below.
      events.endStreams();
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
      app.healthMonitor.stop();
      await Promise.all([...backends.values()].map((backend) => backend.close()));
      await coordination.close();
      await events.close();
    },
  };
}
