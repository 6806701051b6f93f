/** Shared set-up for the Agora adapter tests: a fake on loopback and a backend pointed at it. */
import { randomBytes } from 'node:crypto';
import type { Backend, BackendContext, ChangeRecord } from '../../../../src/spec/index.js';
import { createBackend, type AgoraConfig } from '../../backend/index.js';
import { startFake, type AgoraFakeOptions, type RunningAgoraFake } from '../../fake/index.js';

export interface Harness {
  fake: RunningAgoraFake;
  backend: Backend;
  changes: ChangeRecord[];
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 };

export async function startHarness(options: { fake?: AgoraFakeOptions; config?: Partial<AgoraConfig> } = {}): Promise<Harness> {
  const fake = await startFake({ port: 0, ...options.fake });
  const changes: ChangeRecord[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const log = (object: Record<string, unknown>, message?: string) => logs.push({ ...object, message });
  const context: BackendContext = {
    name: 'agora-test',
    logger: { debug: log, info: log, warn: log, error: log },
    changes: { emit: (record) => changes.push(record) },
    now: () => Date.now(),
  };
  const config = { ...(fake.backendConfig as unknown as AgoraConfig), timeoutMs: 1_000, retry: FAST_RETRY, ...options.config };
  const backend = await createBackend(config, context);
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

/** A fresh lower-case id (Agora's rule) per test. */
export function uid(prefix = 'u'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function users(backend: Backend, count: number, prefix = 'u'): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uid(prefix));
  const result = await backend.users.putMany(ids.map((id) => ({ uid: id })));
  if (result.results.some((item) => !item.ok)) throw new Error(`setup failed: ${JSON.stringify(result)}`);
  return ids;
}
