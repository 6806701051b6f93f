/**
 * Serializes work on what it touches. A vendor cannot make a change of several calls atomic, nor
 * a read-modify-write of its state (a metadata blob, a list rebuilt from a read), so two such
 * changes on the same users or room must not interleave. `run` waits for every key, taken in one
 * global order so that two callers cannot deadlock, runs the work, and releases them.
 *
 * The interface is what a lock shared by several instances (PostgreSQL advisory locks, Redis)
 * implements too; `MemoryKeyedLock` serves one process.
 */
export interface KeyedLock {
  run<Result>(keys: readonly string[], work: () => Promise<Result>): Promise<Result>;
}

export class MemoryKeyedLock implements KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<Result>(keys: readonly string[], work: () => Promise<Result>): Promise<Result> {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => held);
        this.tails.set(key, tail);
        releases.push(() => {
          release();
          // The last holder leaves nothing behind, so the map holds only keys in use.
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        await previous;
      }
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Keys currently held or waited for (for tests: the map must not grow without bound). */
  get size(): number {
    return this.tails.size;
  }
}
