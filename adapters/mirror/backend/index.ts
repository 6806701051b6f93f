/** The mirror backend: two other backends of the same config, written both, read from the first. */
import { join } from 'node:path';
import type { BackendContext, BackendFactory } from '../../../src/spec/index.js';
import { guardBackend } from '../../../src/runtime/index.js';
import { createMirrorBackend } from './mirror-backend.js';
import { WriteQueue } from './write-queue.js';

export interface MirrorConfig {
  vendor: 'mirror';
  primary: string;
  secondary: string;
  queue?: { path?: string };
  timeoutMs?: number;
  retry?: { initialDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
}

export const DEFAULT_QUEUE_DIRECTORY = './data';
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRY = { initialDelayMs: 500, maxDelayMs: 60_000 } as const;

/** Where a mirror keeps its queue when the config does not say. */
export function defaultQueuePath(mirror: string): string {
  return join(DEFAULT_QUEUE_DIRECTORY, `mirror-${mirror}.db`);
}

export const createBackend: BackendFactory<MirrorConfig> = async (config: MirrorConfig, context: BackendContext) => {
  if (!context.backend) throw new Error('a mirror is made of two other backends of the config, and this host provides none');
  if (config.primary === config.secondary) {
    throw new Error(`primary and secondary are both "${config.primary}"; a mirror writes to two different backends`);
  }
  const primary = guardBackend(await context.backend(config.primary));
  const secondary = guardBackend(await context.backend(config.secondary));
  const initialDelayMs = config.retry?.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs;
  return createMirrorBackend({
    name: context.name,
    primary,
    secondary,
    queue: WriteQueue.open(config.queue?.path ?? defaultQueuePath(context.name), context.name),
    logger: context.logger,
    now: context.now,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: {
      initialDelayMs,
      maxDelayMs: Math.max(initialDelayMs, config.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs),
      maxAttempts: config.retry?.maxAttempts ?? null,
    },
  });
};

export { createMirrorBackend } from './mirror-backend.js';
export { isReadMethod } from './is-read-method.js';
export { writeKeys } from './write-keys.js';
export { WriteQueue } from './write-queue.js';
