/**
 * Small state an adapter keeps beside its vendor (times the vendor does not store, requests it
 * recently sent) that several imbridge instances must agree on. Values are text (JSON where
 * needed) under a namespace and a key, optionally expiring. `MemorySharedState` serves one
 * process; the coordination kit (`src/coordination/`) gives the shared ones.
 */
export interface SharedState {
  get(namespace: string, key: string): Promise<string | undefined>;
  /** The live values of those keys that have one; absent keys are missing from the answer. */
  getMany(namespace: string, keys: readonly string[]): Promise<Map<string, string>>;
  /**
   * Stores each value whose key has no live value yet and answers the value every key holds
   * afterwards: of two instances claiming one key at once, both answer the first one's value.
   */
  claimMany(namespace: string, entries: ReadonlyMap<string, string>, ttlMs?: number): Promise<Map<string, string>>;
  set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  close?(): Promise<void>;
}

export class MemorySharedState implements SharedState {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

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
