import { LRUCache } from 'lru-cache';
import type { SharedState } from '../spec/shared-state.js';

export type { SharedState } from '../spec/shared-state.js';

/**
 * One process's SharedState: what a single instance (or a test) needs. Bounded: past `max`
 * entries the least recently used go (an adapter then re-stamps a forgotten time at first sight).
 */
export class MemorySharedState implements SharedState {
  private readonly entries: LRUCache<string, { value: string; expiresAt: number }>;

  constructor(
    private readonly now: () => number = Date.now,
    max = 200_000,
  ) {
    this.entries = new LRUCache({ max });
  }

  private live(id: string): string | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(id);
    return undefined;
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    return this.live(`${namespace}\u0000${key}`);
  }

  async getMany(namespace: string, keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const key of keys) {
      const value = this.live(`${namespace}\u0000${key}`);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  }

  async claimMany(namespace: string, entries: ReadonlyMap<string, string>, ttlMs?: number): Promise<Map<string, string>> {
    const kept = new Map<string, string>();
    for (const [key, value] of entries) {
      const id = `${namespace}\u0000${key}`;
      const existing = this.live(id);
      if (existing === undefined) this.entries.set(id, { value, expiresAt: this.expiry(ttlMs) });
      kept.set(key, existing ?? value);
    }
    return kept;
  }

  async set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(`${namespace}\u0000${key}`, { value, expiresAt: this.expiry(ttlMs) });
  }

  async delete(namespace: string, key: string): Promise<void> {
    this.entries.delete(`${namespace}\u0000${key}`);
  }

  private expiry(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlMs;
  }
}
