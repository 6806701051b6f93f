/** Starts an OpenIM fake and a Backend talking to it over loopback, with fast retries. */
import { randomBytes } from 'node:crypto';
import type { Backend, BackendLogger, ChangeRecord } from '../../../../src/spec/index.js';
import { createBackend, type OpenImConfig } from '../../backend/index.js';
import { startFake, type FakeOptions, type RunningOpenImFake } from '../../fake/index.js';

export interface Harness {
  fake: RunningOpenImFake;
  backend: Backend;
  changes: ChangeRecord[];
  logs: Array<{ level: string; object: Record<string, unknown>; message?: string }>;
  close(): Promise<void>;
}

/** A random id valid for OpenIM (letters, digits, `_`). */
export function rid(prefix = 'u'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function startHarness(fakeOptions: FakeOptions = {}, configOverrides: Partial<OpenImConfig> = {}): Promise<Harness> {
  const fake = await startFake({ port: 0, ...fakeOptions });
  const changes: ChangeRecord[] = [];
  const logs: Harness['logs'] = [];
  const logger: BackendLogger = {
    debug: (object, message) => logs.push({ level: 'debug', object, ...(message ? { message } : {}) }),
    info: (object, message) => logs.push({ level: 'info', object, ...(message ? { message } : {}) }),
    warn: (object, message) => logs.push({ level: 'warn', object, ...(message ? { message } : {}) }),
    error: (object, message) => logs.push({ level: 'error', object, ...(message ? { message } : {}) }),
  };
  const config = {
    ...(fake.backendConfig as unknown as OpenImConfig),
    timeoutMs: 500,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
    ...configOverrides,
  };
  const backend = await createBackend(config, { name: 'oim', logger, changes: { emit: (record) => changes.push(record) }, now: Date.now });
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

/** Registers users straight in the fake (setup that is not under test). */
export function seedUsers(fake: RunningOpenImFake, ...uids: string[]): void {
  for (const uid of uids) fake.state.users.set(uid, { userID: uid, nickname: uid, faceURL: '', ex: '', createTime: Date.now(), appMangerLevel: 0, globalRecvMsgOpt: 0 });
}

/** The parsed JSON body of a recorded request. */
export function bodyOf(request: { rawBody: string }): Record<string, unknown> {
  return JSON.parse(request.rawBody) as Record<string, unknown>;
}
