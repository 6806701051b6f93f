/** The validated configuration (schemas/config.schema.json), with defaults applied. */
import type { CompatConfig } from '../facade-kit/facade.js';

export interface ApiKeyConfig {
  key: string;
  /** Label for logs and idempotency scoping; defaults to `key-<n>`. */
  name: string;
  /** Backend names this key may use; `*` = all. */
  backends: string[];
}

export interface BackendConfig {
  vendor: string;
  [key: string]: unknown;
}

export type { CompatConfig };

/** A vendor with a facade: a name from `adapters/index.ts` (checked against it when the config loads). */
export type CompatVendor = string;

export interface ImbridgeConfig {
  server: { host: string; port: number; bodyLimitBytes: number; logLevel: string };
  auth: { apiKeys: ApiKeyConfig[] };
  defaultBackend: string;
  backends: Record<string, BackendConfig>;
  compat: Partial<Record<CompatVendor, CompatConfig>>;
  /** Backends whose failure makes `/readyz` 503 (`backends.<name>.critical`); absent = the default backend only. */
  criticalBackends?: string[];
  /** What several instances share (idempotency keys, keyed locks, adapter state); absent: this process's memory. */
  coordination?: { driver: 'memory' | 'postgres' | 'redis'; url?: string; pool?: { max?: number }; prefix?: string };
  /** Webhooks, the outbox and vendor callbacks; absent = an in-memory outbox, no webhooks. */
  events?: EventsConfig;
}

export interface EventsWebhookConfig {
  url: string;
  /** `whsec_<base64>` (Standard Webhooks). */
  secret: string;
  backends?: string[];
  types?: string[];
}

export interface EventsConfig {
  /** SQLite file of the durable outbox (default ./data/events.db), or `:memory:`. */
  outbox: { path: string };
  webhooks: EventsWebhookConfig[];
  delivery: { initialDelayMs?: number; maxDelayMs?: number; retryForMs?: number; timeoutMs?: number; pollIntervalMs?: number; concurrency?: number };
  retentionHours?: number;
  /** Per backend name: the vendor's callbacks are accepted at /callbacks/<vendor>/<backend>, checked with these. */
  callbacks: Record<string, { secret?: string; token?: string }>;
}

/** Where the outbox lives when `events` is configured without `outbox.path`. */
export const DEFAULT_EVENTS_PATH = './data/events.db';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const MAX_BODY_BYTES = 1024 * 1024;
/** Where the default native backend keeps its SQLite file, relative to the working directory. */
export const DEFAULT_DATABASE_PATH = './data/imbridge.db';
