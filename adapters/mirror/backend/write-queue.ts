/**
 * The durable queue of writes the secondary has not taken yet, one SQLite file (better-sqlite3,
 * WAL, synchronous FULL: a queued write survives a crash of the process and of the machine). A
 * write leaves the queue when it is delivered, or moves to `failed_writes` (kept for the
 * operator, with its error) when the secondary refuses it for good. The queue also counts, per
 * key, the writes it holds, so a new write can tell at once whether it must wait behind some.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A write as the secondary is to receive it. */
export interface MirroredWrite {
  /** The Backend method's path, such as `rooms.members.add`. */
  method: string;
  args: unknown[];
  keys: string[];
  /** For a batch call: which items the primary took; the secondary must take the same. */
  batchOk: boolean[] | null;
  /** When the primary took it (ms since the epoch). */
  queuedAt: number;
}

export interface QueuedWrite extends MirroredWrite {
  seq: number;
  /** Attempts so far that failed, the first (direct) one included. */
  attempts: number;
  nextAttemptAt: number;
  /** An earlier attempt got no answer, so the secondary may hold the write already. */
  uncertain: boolean;
}

interface QueueRow {
  seq: number;
  method: string;
  arguments: string;
  keys: string;
  queued_at: number;
  attempts: number;
  next_attempt_at: number;
  uncertain: number;
}

/** The stored arguments: JSON keeps no `undefined`, so absent positions are listed. */
interface StoredArguments {
  args: unknown[];
  absent: number[];
  batchOk: boolean[] | null;
}

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE queued_writes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mirror TEXT NOT NULL,
    method TEXT NOT NULL,
    arguments TEXT NOT NULL,
    keys TEXT NOT NULL,
    queued_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    uncertain INTEGER NOT NULL,
    last_error TEXT
  );
  CREATE INDEX queued_writes_order ON queued_writes (mirror, seq);
  CREATE TABLE failed_writes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queued_seq INTEGER,
    mirror TEXT NOT NULL,
    method TEXT NOT NULL,
    arguments TEXT NOT NULL,
    keys TEXT NOT NULL,
    queued_at INTEGER NOT NULL,
    failed_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT NOT NULL
  );
  `,
];

function encodeArguments(write: MirroredWrite): string {
  const stored: StoredArguments = {
    args: write.args.map((arg) => (arg === undefined ? null : arg)),
    absent: write.args.flatMap((arg, index) => (arg === undefined ? [index] : [])),
    batchOk: write.batchOk,
  };
  return JSON.stringify(stored);
}

function decodeArguments(text: string): Pick<MirroredWrite, 'args' | 'batchOk'> {
  const stored = JSON.parse(text) as StoredArguments;
  const args = stored.args.map((arg, index) => (stored.absent.includes(index) ? undefined : arg));
  return { args, batchOk: stored.batchOk };
}

export class WriteQueue {
  private readonly keyCounts = new Map<string, number>();
  private pending = 0;

  private constructor(
    private readonly database: Database.Database,
    /** Several mirrors may share one file; each sees only its own writes. */
    private readonly mirror: string,
  ) {
    const rows = database.prepare('SELECT keys FROM queued_writes WHERE mirror = ?').all(mirror) as Array<{ keys: string }>;
    for (const row of rows) this.count(JSON.parse(row.keys) as string[], 1);
    this.pending = rows.length;
  }

  static open(path: string, mirror: string): WriteQueue {
    mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    const version = database.pragma('user_version', { simple: true }) as number;
    for (let index = version; index < MIGRATIONS.length; index += 1) {
      database.transaction(() => {
        database.exec(MIGRATIONS[index]!);
        database.pragma(`user_version = ${index + 1}`);
      })();
    }
    return new WriteQueue(database, mirror);
  }

  /** Writes waiting: how far the secondary is behind the primary. */
  get depth(): number {
    return this.pending;
  }

  /** Whether any queued write shares one of `keys`. */
  holdsAny(keys: readonly string[]): boolean {
    return keys.some((key) => (this.keyCounts.get(key) ?? 0) > 0);
  }

  add(write: MirroredWrite, state: { attempts: number; nextAttemptAt: number; uncertain: boolean; error: string | null }): void {
    this.database
      .prepare(
        `INSERT INTO queued_writes (mirror, method, arguments, keys, queued_at, attempts, next_attempt_at, uncertain, last_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(this.mirror, write.method, encodeArguments(write), JSON.stringify(write.keys), write.queuedAt, state.attempts, state.nextAttemptAt, state.uncertain ? 1 : 0, state.error);
    this.count(write.keys, 1);
    this.pending += 1;
  }

  /**
   * The oldest `limit` writes, oldest first. Their arguments are decoded when first read: a
   * delivery round looks at many writes for the few it can deliver.
   */
  oldest(limit: number): QueuedWrite[] {
    const rows = this.database
      .prepare('SELECT seq, method, arguments, keys, queued_at, attempts, next_attempt_at, uncertain FROM queued_writes WHERE mirror = ? ORDER BY seq LIMIT ?')
      .all(this.mirror, limit) as QueueRow[];
    return rows.map((row) => {
      let decoded: Pick<MirroredWrite, 'args' | 'batchOk'> | undefined;
      const decode = () => (decoded ??= decodeArguments(row.arguments));
      return {
        seq: row.seq,
        method: row.method,
        get args() {
          return decode().args;
        },
        get batchOk() {
          return decode().batchOk;
        },
        keys: JSON.parse(row.keys) as string[],
        queuedAt: row.queued_at,
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        uncertain: row.uncertain === 1,
      };
    });
  }

  delivered(write: QueuedWrite): void {
    this.remove(write, () => this.database.prepare('DELETE FROM queued_writes WHERE seq = ?').run(write.seq));
  }

  rescheduled(write: QueuedWrite, state: { attempts: number; nextAttemptAt: number; uncertain: boolean; error: string }): void {
    this.database
      .prepare('UPDATE queued_writes SET attempts = ?, next_attempt_at = ?, uncertain = ?, last_error = ? WHERE seq = ?')
      .run(state.attempts, state.nextAttemptAt, state.uncertain ? 1 : 0, state.error, write.seq);
  }

  /** A queued write the secondary refused for good: out of the queue, into `failed_writes`. */
  failed(write: QueuedWrite, error: string, at: number): void {
    this.remove(write, () =>
      this.database.transaction(() => {
        this.database
          .prepare(
            `INSERT INTO failed_writes (queued_seq, mirror, method, arguments, keys, queued_at, failed_at, attempts, error)
             SELECT seq, mirror, method, arguments, keys, queued_at, ?, ?, ? FROM queued_writes WHERE seq = ?`,
          )
          .run(at, write.attempts, error, write.seq);
        this.database.prepare('DELETE FROM queued_writes WHERE seq = ?').run(write.seq);
      })(),
    );
  }

  /** A write refused for good at its first attempt: it never waited in the queue. */
  refused(write: MirroredWrite, error: string, at: number): void {
    this.database
      .prepare(
        `INSERT INTO failed_writes (mirror, method, arguments, keys, queued_at, failed_at, attempts, error)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
      )
      .run(this.mirror, write.method, encodeArguments(write), JSON.stringify(write.keys), write.queuedAt, at, error);
  }

  close(): void {
    if (this.database.open) this.database.close();
  }

  private remove(write: QueuedWrite, statement: () => unknown): void {
    statement();
    this.count(write.keys, -1);
    this.pending -= 1;
  }

  private count(keys: readonly string[], change: number): void {
    for (const key of new Set(keys)) {
      const next = (this.keyCounts.get(key) ?? 0) + change;
      if (next > 0) this.keyCounts.set(key, next);
      else this.keyCounts.delete(key);
    }
  }
}
