/** Shared set-up of the Wildfire adapter tests: a fake server on loopback and a backend talking to it. */
import { randomUUID } from 'node:crypto';
import type { ChangeRecord } from '../../../../src/spec/index.js';
import { createBackend, type WildfireConfig } from '../../backend/index.js';
import type { WildfireBackend } from '../../backend/wildfire-backend.js';
import { startFake, type RunningWildfireFake, type WildfireFakeOptions } from '../../fake/index.js';
import { signedHeaders } from '../../backend/client.js';

export interface Harness {
  fake: RunningWildfireFake;
  backend: WildfireBackend;
  changes: ChangeRecord[];
  /** Every log line the backend wrote, serialized, to check that no secret leaks. */
  logs: string[];
  close(): Promise<void>;
}

export async function setup(options: { fake?: WildfireFakeOptions; config?: Partial<WildfireConfig>; now?: () => number } = {}): Promise<Harness> {
  const fake = await startFake({ port: 0, secret: `s3cret-${randomUUID()}`, ...options.fake });
  const changes: ChangeRecord[] = [];
  const logs: string[] = [];
  const log = (level: string) => (object: Record<string, unknown>, message?: string) => void logs.push(JSON.stringify({ level, object, message }));
  const config = {
    ...(fake.backendConfig as unknown as WildfireConfig),
    timeoutMs: 1_000,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
    ...options.config,
  };
  const backend = (await createBackend(config, {
    name: 'wf',
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    changes: { emit: (record) => void changes.push(record) },
    now: options.now ?? Date.now,
  })) as WildfireBackend;
  return {
    fake,
    backend,
    changes,
    logs,
    close: async () => {
      await backend.close();
      await fake.close();
    },
  };
}

/** A random id, so tests never share state. */
export function rid(prefix = 'u'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Calls the fake directly with a correct signature, as a Wildfire SDK would. */
export async function vendorCall(fake: RunningWildfireFake, path: string, body: unknown, headers: Record<string, string> = signedHeaders(fake.secret)): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(fake.url + path, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Registers users in the fake through the adapter. */
export async function users(harness: Harness, ...names: string[]): Promise<string[]> {
  const ids = names.map((name) => rid(name));
  for (const id of ids) await harness.backend.users.put(id, { name: id.toUpperCase() });
  return ids;
}
