/**
 * Small state an adapter keeps beside its vendor (times the vendor does not store, requests it
 * recently sent) that several imbridge instances must agree on. Values are text (JSON where
 * needed) under a namespace and a key, optionally expiring. Namespaces, keys and values hold no
 * NUL character (PostgreSQL text cannot): a key made of several ids is their JSON array. `MemorySharedState` serves one
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
