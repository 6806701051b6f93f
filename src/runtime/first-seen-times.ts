/**
 * When a relationship entry (a friendship, a block) began, for vendors that store no such time.
 * The adapter stamps an entry when it creates it and, for one it did not create, the first time
 * it sees it; every instance sharing the `SharedState` then answers the same time, and a restart
 * keeps it where the state outlives the process.
 */
import type { SharedState } from './shared-state.js';

export type RelationKind = 'friend' | 'block';

export class FirstSeenTimes {
  /**
   * @param namespace unique per backend (its config name), so two backends of one vendor keep
   *   their entries apart.
   */
  constructor(
    private readonly state: SharedState,
    private readonly namespace: string,
    private readonly now: () => number,
  ) {}

  private key(kind: RelationKind, owner: string, other: string): string {
    return JSON.stringify([kind, owner, other]);
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** The entry's time: the one already kept, else now (kept from here on). */
  async seen(kind: RelationKind, owner: string, other: string): Promise<string> {
    return (await this.seenMany(kind, owner, [other])).get(other) ?? this.nowIso();
  }

  /** `seen` for many entries of one owner in two round trips at most (a page of a list). */
  async seenMany(kind: RelationKind, owner: string, others: readonly string[]): Promise<Map<string, string>> {
    if (others.length === 0) return new Map();
    const keys = others.map((other) => this.key(kind, owner, other));
    const known = await this.state.getMany(this.namespace, keys);
    const missing = new Map(keys.filter((key) => !known.has(key)).map((key) => [key, this.nowIso()]));
    const claimed = missing.size === 0 ? known : new Map([...known, ...(await this.state.claimMany(this.namespace, missing))]);
    return new Map(others.map((other, index) => [other, claimed.get(keys[index]!)!]));
  }

  /**
   * The entry was just created (it did not exist before): its time is now (or `time`, for the
   * two sides of one friendship made at once), whatever was kept.
   */
  async started(kind: RelationKind, owner: string, other: string, time = this.nowIso()): Promise<string> {
    await this.state.set(this.namespace, this.key(kind, owner, other), time);
    return time;
  }

  /** The entry ended: a later one starts afresh. */
  async forget(kind: RelationKind, owner: string, other: string): Promise<void> {
    await this.state.delete(this.namespace, this.key(kind, owner, other));
  }
}
