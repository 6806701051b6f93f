/**
 * The durable outbox: every event, and one delivery row per webhook that wants it, in one SQLite
 * file (better-sqlite3, WAL). An event is appended in one transaction with its deliveries, so a
 * process killed at any point either has both or neither; delivery state lives here too, so a
 * restart resumes where the last process stopped.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ImbridgeEvent } from './imbridge-event.js';
import { orderKeyOf, usersOf } from './imbridge-event.js';
import { webhookLabel } from './webhook-dispatcher.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    backend TEXT NOT NULL,
    users TEXT NOT NULL,
    body TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq INTEGER NOT NULL REFERENCES events(seq),
    webhook TEXT NOT NULL,
    order_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    first_attempt_ms INTEGER,
    next_ms INTEGER NOT NULL,
    last_error TEXT,
    finished_ms INTEGER,
    UNIQUE (webhook, event_seq)
  );
  CREATE INDEX IF NOT EXISTS deliveries_queue ON deliveries (status, webhook, order_key, event_seq);
`;

export interface StoredEvent {
  seq: number;
  event: ImbridgeEvent;
}

export interface DueDelivery {
  deliveryId: number;
  webhook: string;
  orderKey: string;
  attempts: number;
  firstAttemptMs: number | null;
  createdMs: number;
  event: ImbridgeEvent;
}

export interface DeadDelivery {
  id: number;
  webhook: string;
  attempts: number;
  lastError: string | null;
  deadAt: string;
  event: ImbridgeEvent;
}

export interface EventFilter {
  types?: readonly string[];
  user?: string;
  backends?: readonly string[];
}

interface DeliveryRow {
  delivery_id: number;
  webhook: string;
  order_key: string;
  attempts: number;
  first_attempt_ms: number | null;
  created_ms: number;
  body: string;
}

/** Events whose every delivery is done and that are older than the cut or beyond the newest `keep`. */
const PRUNABLE =
  "SELECT seq FROM events WHERE (created_ms < ? OR seq <= (SELECT MAX(seq) FROM events) - ?) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = events.seq AND d.status = 'pending')";

/** The outbox's fixed statements, prepared once: appends and the dispatcher's reads run on every change. */
function prepareStatements(database: Database.Database) {
  return {
    insertEvent: database.prepare('INSERT OR IGNORE INTO events (id, type, backend, users, body, created_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    insertDelivery: database.prepare("INSERT INTO deliveries (event_seq, webhook, order_key, status, next_ms) VALUES (?, ?, ?, 'pending', ?)"),
    seqOf: database.prepare('SELECT seq FROM events WHERE id = ?'),
    lastSeq: database.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events'),
    dueDeliveries: database.prepare(
      `SELECT d.id AS delivery_id, d.webhook, d.order_key, d.attempts, d.first_attempt_ms, e.created_ms, e.body
         FROM deliveries d JOIN events e ON e.seq = d.event_seq
        WHERE d.status = 'pending' AND d.next_ms <= ?
          AND d.event_seq = (SELECT MIN(d2.event_seq) FROM deliveries d2
                              WHERE d2.webhook = d.webhook AND d2.order_key = d.order_key AND d2.status = 'pending')
        ORDER BY d.event_seq LIMIT ?`,
    ),
    nextDue: database.prepare("SELECT MIN(next_ms) AS next FROM deliveries WHERE status = 'pending'"),
    markDelivered: database.prepare(
      "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, first_attempt_ms = COALESCE(first_attempt_ms, ?), finished_ms = ?, last_error = NULL WHERE id = ?",
    ),
    markDead: database.prepare(
      "UPDATE deliveries SET status = 'dead', attempts = attempts + 1, first_attempt_ms = COALESCE(first_attempt_ms, ?), finished_ms = ?, last_error = ? WHERE id = ?",
    ),
    markRetry: database.prepare('UPDATE deliveries SET attempts = attempts + 1, first_attempt_ms = COALESCE(first_attempt_ms, ?), next_ms = ?, last_error = ? WHERE id = ?'),
    dead: database.prepare(
      `SELECT d.id, d.webhook, d.attempts, d.last_error, d.finished_ms, e.body FROM deliveries d JOIN events e ON e.seq = d.event_seq
        WHERE d.status = 'dead' AND d.id > ? ORDER BY d.id LIMIT ?`,
    ),
    replay: database.prepare("UPDATE deliveries SET status = 'pending', attempts = 0, first_attempt_ms = NULL, next_ms = ?, finished_ms = NULL WHERE id = ? AND status = 'dead'"),
    depth: database.prepare("SELECT COUNT(*) AS count FROM deliveries WHERE status = 'pending'"),
    deadCount: database.prepare("SELECT COUNT(*) AS count FROM deliveries WHERE status = 'dead'"),
    pruneDeliveries: database.prepare(`DELETE FROM deliveries WHERE event_seq IN (${PRUNABLE})`),
    pruneEvents: database.prepare(`DELETE FROM events WHERE seq IN (${PRUNABLE})`),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class EventOutbox {
  private readonly database: Database.Database;
  private readonly statements: Statements;
  private readonly appendTransaction: (event: ImbridgeEvent, webhooks: readonly string[], now: number) => boolean;
  private readonly pruneTransaction: (beforeMs: number, keep: number) => number;

  /** `path` is a file, or `:memory:` for an outbox that lives as long as the process. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    if (path !== ':memory:') {
      this.database.pragma('journal_mode = WAL');
      // An appended event must survive the process being killed right after the change answered.
      this.database.pragma('synchronous = NORMAL');
      this.database.pragma('busy_timeout = 5000');
    }
    this.database.exec(SCHEMA);
    this.statements = prepareStatements(this.database);
    // An append runs on every change a request makes: its transaction is built once too.
    this.appendTransaction = this.database.transaction((event: ImbridgeEvent, webhooks: readonly string[], now: number) => {
      const inserted = this.statements.insertEvent.run(event.id, event.type, event.backend, JSON.stringify(usersOf(event)), JSON.stringify(event), now);
      if (inserted.changes === 0) return false;
      const seq = Number(inserted.lastInsertRowid);
      const orderKey = orderKeyOf(event);
      for (const webhook of webhooks) this.statements.insertDelivery.run(seq, webhook, orderKey, now);
      return true;
    });
    this.pruneTransaction = this.database.transaction((beforeMs: number, keep: number) => {
      this.statements.pruneDeliveries.run(beforeMs, keep);
      return this.statements.pruneEvents.run(beforeMs, keep).changes;
    });
  }

  /** Appends `event` with a pending delivery per webhook; false (and nothing written) when its id is already here. */
  append(event: ImbridgeEvent, webhooks: readonly string[], now: number): boolean {
    return this.appendTransaction(event, webhooks, now);
  }

  seqOf(id: string): number | undefined {
    const row = this.statements.seqOf.get(id) as { seq: number } | undefined;
    return row?.seq;
  }

  lastSeq(): number {
    return (this.statements.lastSeq.get() as { seq: number }).seq;
  }

  /** Events after `afterSeq`, oldest first, that pass `filter`. */
  eventsAfter(afterSeq: number, filter: EventFilter, limit: number): StoredEvent[] {
    const clauses = ['seq > ?'];
    const values: unknown[] = [afterSeq];
    if (filter.types && filter.types.length > 0) {
      clauses.push(`type IN (${filter.types.map(() => '?').join(', ')})`);
      values.push(...filter.types);
    }
    if (filter.backends && !filter.backends.includes('*')) {
      clauses.push(`backend IN (${filter.backends.map(() => '?').join(', ') || "''"})`);
      values.push(...filter.backends);
    }
    if (filter.user !== undefined) {
      clauses.push('EXISTS (SELECT 1 FROM json_each(events.users) WHERE value = ?)');
      values.push(filter.user);
    }
    const rows = this.database.prepare(`SELECT seq, body FROM events WHERE ${clauses.join(' AND ')} ORDER BY seq LIMIT ?`).all(...values, limit) as Array<{ seq: number; body: string }>;
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body) as ImbridgeEvent }));
  }

  /**
   * Deliveries whose turn it is: per webhook and order key only the oldest pending one (a later
   * event for the same pair or room waits until the earlier one is delivered or dead), and only
   * once its retry time has come. `busy` order keys (being attempted right now) are skipped.
   */
  dueDeliveries(now: number, limit: number, busy: ReadonlySet<string>): DueDelivery[] {
    const rows = this.statements.dueDeliveries.all(now, limit + busy.size) as DeliveryRow[];
    return rows
      .filter((row) => !busy.has(`${row.webhook}\n${row.order_key}`))
      .slice(0, limit)
      .map((row) => ({
        deliveryId: row.delivery_id,
        webhook: row.webhook,
        orderKey: row.order_key,
        attempts: row.attempts,
        firstAttemptMs: row.first_attempt_ms,
        createdMs: row.created_ms,
        event: JSON.parse(row.body) as ImbridgeEvent,
      }));
  }

  /** The earliest time a pending delivery is due, or undefined when none is pending. */
  nextDueMs(): number | undefined {
    const row = this.statements.nextDue.get() as { next: number | null };
    return row.next ?? undefined;
  }

  markDelivered(deliveryId: number, now: number): void {
    this.statements.markDelivered.run(now, now, deliveryId);
  }

  /** Records a failed attempt: retried at `nextMs`, or dead-lettered when `nextMs` is null. */
  markFailed(deliveryId: number, error: string, nextMs: number | null, now: number): void {
    if (nextMs === null) {
      this.statements.markDead.run(now, now, error, deliveryId);
    } else {
      this.statements.markRetry.run(now, nextMs, error, deliveryId);
    }
  }

  /** Dead-lettered deliveries, oldest first, after delivery id `afterId`. */
  dead(afterId: number, limit: number): DeadDelivery[] {
    const rows = this.statements.dead.all(afterId, limit) as Array<{ id: number; webhook: string; attempts: number; last_error: string | null; finished_ms: number; body: string }>;
    return rows.map((row) => ({
      id: row.id,
      webhook: webhookLabel(row.webhook),
      attempts: row.attempts,
      lastError: row.last_error,
      deadAt: new Date(row.finished_ms).toISOString(),
      event: JSON.parse(row.body) as ImbridgeEvent,
    }));
  }

  /** Puts a dead delivery back in the queue with a fresh retry window; false when `deliveryId` is not dead. */
  replay(deliveryId: number, now: number): boolean {
    return this.statements.replay.run(now, deliveryId).changes > 0;
  }

  /** Pending deliveries: the outbox depth. */
  depth(): number {
    return (this.statements.depth.get() as { count: number }).count;
  }

  deadCount(): number {
    return (this.statements.deadCount.get() as { count: number }).count;
  }

  /**
   * Forgets events older than `beforeMs`, or beyond the newest `keep`, whose every delivery is
   * done (a pending one is never dropped; dead letters go with their event).
   */
  prune(beforeMs: number, keep = Number.MAX_SAFE_INTEGER): number {
    return this.pruneTransaction(beforeMs, keep);
  }

  close(): void {
    this.database.close();
  }
}
