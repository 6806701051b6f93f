/**
 * Small state an adapter keeps beside its vendor (times the vendor does not store, a fetched
 * token) that several imbridge instances must agree on. Values are text (JSON where needed)
 * under a namespace and a key, optionally expiring. `MemorySharedState` serves one process;
 * the coordination kit (`src/coordination/`) gives the shared one.
 */
export interface SharedState {
  get(namespace: string, key: string): Promise<string | undefined>;
  set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
}

export class MemorySharedState implements SharedState {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(namespace: string, key: string): Promise<string | undefined> {
    const id = `${namespace}\u0000${key}`;
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= this.now()) this.entries.delete(id);
    return entry && entry.expiresAt > this.now() ? entry.value : undefined;
  }

  async set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(`${namespace}\u0000${key}`, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlMs });
  }

  async delete(namespace: string, key: string): Promise<void> {
    this.entries.delete(`${namespace}\u0000${key}`);
  }
}
