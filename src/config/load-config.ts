/**
 * Reads the YAML config, replaces `${NAME}` with environment variables, validates it against
 * schemas/config.schema.json and applies defaults. Every problem is reported as one line naming
 * the key path and why; start-up stops on the first invalid config, listing them all.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseDocument } from 'yaml';
import { configValidator } from '../schemas/load-schemas.js';
import { findVendor } from '../../adapters/index.js';
import {
  DEFAULT_DATABASE_PATH,
  DEFAULT_HOST,
  DEFAULT_PORT,
  MAX_BODY_BYTES,
  type ApiKeyConfig,
  type BackendConfig,
  type CompatConfig,
  type CompatVendor,
  type ImbridgeConfig,
  DEFAULT_EVENTS_PATH,
  type EventsConfig,
  type EventsWebhookConfig,
} from './config-types.js';

/** The `events` block as written in the file (the schema checked its shape). */
type RawEventsConfig = { outbox?: { path?: string }; webhooks?: EventsWebhookConfig[]; delivery?: EventsConfig['delivery']; retentionHours?: number; callbacks?: EventsConfig['callbacks'] };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The config used when no file is given: the native backend alone, on its SQLite file. */
export function defaultRawConfig(): Record<string, unknown> {
  return {
    defaultBackend: 'local',
    backends: { local: { vendor: 'native', store: { driver: 'sqlite', path: DEFAULT_DATABASE_PATH } } },
  };
}

/**
 * Replaces `${NAME}` in every string with the variable, or with the contents of the file that
 * `NAME_FILE` names (container secrets mounted as files), and `${NAME:-fallback}` with the
 * fallback when NAME is unset or empty, as a shell does. A missing variable or unreadable file is
 * a problem naming the key and the variable, never its value.
 */
function interpolate(value: unknown, path: string, environment: NodeJS.ProcessEnv, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
      const found = variable(name, path, environment, problems);
      if (found !== undefined && (found !== '' || fallback === undefined)) return found;
      if (fallback !== undefined) return fallback;
      if (found === undefined) problems.push(`${path || '(root)'}: environment variable ${name} is not set (nor ${name}_FILE)`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, `${path}[${index}]`, environment, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, path ? `${path}.${key}` : key, environment, problems)]),
    );
  }
  return value;
}

function variable(name: string, path: string, environment: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const direct = environment[name];
  if (direct !== undefined) return direct;
  const file = environment[`${name}_FILE`];
  if (file === undefined) return undefined;
  try {
    // One trailing newline is how editors and `echo` end a secret file; it is not part of it.
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(`${path || '(root)'}: ${name}_FILE names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return '';
  }
}

function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Validates a raw config object (already interpolated) and applies defaults. */
export function validateConfig(raw: unknown, environment: NodeJS.ProcessEnv = process.env): ImbridgeConfig {
  const problems: string[] = [];
  const validate = configValidator();
  if (!validate(raw)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      // if/then branches repeat the real error as "must match then schema"; it names nothing new.
      if (error.keyword === 'if') continue;
      let path = jsonPointerToPath(error.instancePath);
      let message = error.message ?? 'is invalid';
      if (error.keyword === 'additionalProperties') {
        path = path ? `${path}.${String(error.params.additionalProperty)}` : String(error.params.additionalProperty);
        message = 'is not a known key';
      } else if (error.keyword === 'required') {
        path = path ? `${path}.${String(error.params.missingProperty)}` : String(error.params.missingProperty);
        message = 'is required';
      } else if (error.keyword === 'enum') {
        message = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
      } else if (error.keyword === 'false schema') {
        // A key the schema forbids in this branch (e.g. coordination.pool with the redis driver).
        message = 'does not apply here (not a setting of this driver or kind)';
      }
      const line = `${path || '(root)'}: ${message}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
    throw new ConfigError(problems);
  }
  const config = raw as {
    server?: { host?: string; port?: number; bodyLimitBytes?: number; logLevel?: string };
    auth?: { apiKeys?: Array<{ key: string; name?: string; backends?: string[] }> | null };
    defaultBackend?: string;
    backends?: Record<string, BackendConfig>;
    compat?: Partial<Record<CompatVendor, Omit<CompatConfig, 'backend'> & { backend?: string }>>;
    coordination?: ImbridgeConfig['coordination'];
    events?: RawEventsConfig;
  };
  const configuredBackends = config.backends ?? (defaultRawConfig().backends as Record<string, BackendConfig>);
  const names = Object.keys(configuredBackends);
  const defaultBackend = config.defaultBackend ?? (names.length === 1 ? names[0]! : 'local');
  // `critical` is the host's (readiness), not the vendor's: vendors get their block without it.
  const criticalBackends = names.filter((name) => (configuredBackends[name]!.critical as boolean | undefined) ?? name === defaultBackend);
  const backends = Object.fromEntries(
    Object.entries(configuredBackends).map(([name, block]) => {
      const { critical: _critical, ...vendorBlock } = block;
      return [name, vendorBlock as BackendConfig];
    }),
  );
  if (!(defaultBackend in backends)) problems.push(`defaultBackend: "${defaultBackend}" is not one of the configured backends (${names.join(', ')})`);
  const apiKeys: ApiKeyConfig[] = (config.auth?.apiKeys ?? []).map((entry, index) => ({
    key: entry.key,
    name: entry.name ?? `key-${index + 1}`,
    backends: entry.backends ?? ['*'],
  }));
  apiKeys.forEach((entry, index) => {
    for (const name of entry.backends) {
      if (name !== '*' && !(name in backends)) problems.push(`auth.apiKeys[${index}].backends: "${name}" is not a configured backend`);
    }
  });
  const compat: Partial<Record<CompatVendor, CompatConfig>> = {};
  for (const [vendor, block] of Object.entries(config.compat ?? {}) as Array<[CompatVendor, Omit<CompatConfig, 'backend'> & { backend?: string }]>) {
    const backend = block.backend ?? defaultBackend;
    if (!(backend in backends)) problems.push(`compat.${vendor}.backend: "${backend}" is not a configured backend`);
    // The schema made `upstream` a string when present.
    const upstreamName = block.upstream as string | undefined;
    if (upstreamName !== undefined) {
      const upstream = backends[upstreamName];
      if (!upstream) problems.push(`compat.${vendor}.upstream: "${upstreamName}" is not a configured backend`);
      else if (upstream.vendor !== vendor) problems.push(`compat.${vendor}.upstream: "${upstreamName}" is a ${upstream.vendor} backend, not ${vendor}`);
    }
    for (const name of (block.backends as string[] | undefined) ?? []) {
      if (name !== '*' && !(name in backends)) problems.push(`compat.${vendor}.backends: "${name}" is not a configured backend`);
    }
    compat[vendor] = { ...block, backend };
  }
  const events = eventsConfig(config.events, backends, problems);
  const host = environment.HOST ?? config.server?.host ?? DEFAULT_HOST;
  const portText = environment.PORT;
  const port = portText !== undefined ? Number(portText) : (config.server?.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`server.port: PORT "${portText}" is not a port number`);
  if (apiKeys.length === 0 && !isLoopback(host)) {
    problems.push(`server.host: "${host}" is not a loopback address, and auth.apiKeys is empty; configure API keys to listen beyond loopback`);
  }
  for (const [vendor, block] of Object.entries(compat)) {
    if (block && (apiKeys.length > 0 || !isLoopback(host)) && findVendor(vendor)?.facade?.admitsAnyone?.(block) === true) {
      problems.push(`compat.${vendor}: without a credential this facade lets anyone in; set one (required once auth.apiKeys is set or the server listens beyond loopback)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    server: {
      host,
      port,
      bodyLimitBytes: config.server?.bodyLimitBytes ?? MAX_BODY_BYTES,
      logLevel: environment.LOG_LEVEL ?? config.server?.logLevel ?? 'info',
    },
    auth: { apiKeys },
    defaultBackend,
    backends,
    compat,
    criticalBackends,
    ...(config.coordination ? { coordination: config.coordination } : {}),
    ...(events ? { events } : {}),
  };
}

/** The `events` block with its defaults; every backend it names must be configured. */
function eventsConfig(raw: RawEventsConfig | undefined, backends: Record<string, BackendConfig>, problems: string[]): EventsConfig | undefined {
  if (raw === undefined) return undefined;
  const webhooks = raw.webhooks ?? [];
  webhooks.forEach((webhook, index) => {
    for (const name of webhook.backends ?? []) if (!(name in backends)) problems.push(`events.webhooks[${index}].backends: "${name}" is not a configured backend`);
    // Deliveries are kept per URL: two entries for one URL would be one receiver with two filters.
    if (webhooks.findIndex((other) => other.url === webhook.url) < index) problems.push(`events.webhooks[${index}].url: "${webhook.url}" is already listed; give one entry its backends and types`);
  });
  for (const name of Object.keys(raw.callbacks ?? {})) if (!(name in backends)) problems.push(`events.callbacks.${name}: is not a configured backend`);
  return {
    outbox: { path: raw.outbox?.path ?? DEFAULT_EVENTS_PATH },
    webhooks,
    delivery: raw.delivery ?? {},
    ...(raw.retentionHours !== undefined ? { retentionHours: raw.retentionHours } : {}),
    callbacks: raw.callbacks ?? {},
  };
}

/** Loads the config file at `path` (or the default config when `path` is undefined). */
export function loadConfig(path: string | undefined, environment: NodeJS.ProcessEnv = process.env): ImbridgeConfig {
  if (path === undefined) return validateConfig(defaultRawConfig(), environment);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(document.errors.map((error) => `${path}: YAML ${error.message.split('\n')[0]}`));
  }
  const problems: string[] = [];
  const raw = interpolate(document.toJS() ?? {}, '', environment, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return validateConfig(raw, environment);
}
