/**
 * `Idempotency-Key` for creating POSTs: the first answer is kept (24 h by default) under the key's
 * scope (API key + backend + route); a repeat with the same body gets that answer again, a repeat
 * with another body is IDEMPOTENCY_MISMATCH. A repeat that arrives while the first call still runs
 * waits for it instead of running twice.
 *
 * Answers live in this process's memory: at most `maxEntries` (default 100,000) are kept, the least
 * recently used leaving first if more arrive within 24 h, and none survive a restart.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ConflictError } from '../spec/index.js';

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([first], [second]) => (first < second ? -1 : first > second ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface StoredAnswer {
  status: number;
  body: unknown;
}

interface Entry {
  fingerprint: string;
  answer: Promise<StoredAnswer>;
}

/**
 * What the HTTP layer needs of an idempotency store: this process's (`IdempotencyStore`) or one
 * shared by several instances (the coordination kit's).
 */
export interface Idempotency {
  run(scope: string, key: string, body: unknown, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }>;
}

/** A scope+key as a fixed-length id, for stores that keep it outside this process. */
export function idempotencyKeyHash(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\u0000${key}`).digest('hex');
}

export function idempotencyMismatch(): ConflictError {
  return new ConflictError('IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used before with a different request body');
}

export class IdempotencyStore implements Idempotency {
  private readonly entries: LRUCache<string, Entry>;

  constructor(options: { ttlMs?: number; maxEntries?: number } = {}) {
    this.entries = new LRUCache<string, Entry>({ max: options.maxEntries ?? 100_000, ttl: options.ttlMs ?? 24 * 60 * 60 * 1000 });
  }

  /** The same JSON value gives the same fingerprint whatever the order of its keys. */
  static fingerprint(body: unknown): string {
    return createHash('sha256').update(canonicalJson(body ?? null)).digest('hex');
  }

  /**
   * Runs `work` once per scope+key. Only successful answers are kept: a failed first attempt
   * (a refusal, a vendor outage) may be retried with the same key.
   */
  async run(scope: string, key: string, body: unknown, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
    const id = `${scope}\u0000${key}`;
    const fingerprint = IdempotencyStore.fingerprint(body);
    const existing = this.entries.get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw idempotencyMismatch();
      }
      return { ...(await existing.answer), replayed: true };
    }
    const answer = work();
    this.entries.set(id, { fingerprint, answer });
    try {
      return { ...(await answer), replayed: false };
    } catch (error) {
      this.entries.delete(id);
      throw error;
    }
  }
}
