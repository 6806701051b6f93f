/** Shared set-up for the WuKongIM adapter tests: a fake on loopback and a backend pointed at it. */
import { randomBytes } from 'node:crypto';
import type { BackendLogger, ChangeRecord } from '../../../../src/spec/index.js';
import { createBackend, type WukongimBackend, type WukongimConfig } from '../../backend/index.js';
import { startFake, type CreateFakeOptions, type RunningWukongimFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

export interface Harness {
  fake: RunningWukongimFake;
  backend: WukongimBackend;
  backdoor: ReturnType<typeof createBackdoor>;
  changes: ChangeRecord[];
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export function uid(prefix = 'u'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export async function startHarness(options: CreateFakeOptions = {}, config: Partial<WukongimConfig> = {}): Promise<Harness> {
  const fake = await startFake({ port: 0, ...options });
  const changes: ChangeRecord[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const record = (object: Record<string, unknown>, message?: string) => logs.push({ ...object, message });
  const logger: BackendLogger = { debug: record, info: record, warn: record, error: record };
  const backend = (await createBackend(
    { ...(fake.backendConfig as unknown as WukongimConfig), timeoutMs: 500, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 }, ...config },
    { name: 'wk', logger, changes: { emit: (change) => changes.push(change) }, now: () => Date.now() },
  )) as WukongimBackend;
  return {
    fake,
    backend,
    backdoor: createBackdoor(fake),
    changes,
    logs,
    close: async () => {
      await backend.close();
      await fake.close();
    },
  };
}

/** Registers users through the backend. */
export async function users(harness: Harness, count: number, prefix = 'u'): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uid(prefix));
  for (const id of ids) await harness.backend.users.put(id, { name: `Name ${id}` });
  return ids;
}

/** The code of the error a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `not an imbridge error: ${String(error)}`;
  }
  return 'no error';
}
