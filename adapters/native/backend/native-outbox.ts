/**
 * The native backend's change records, kept in its own database in the same transaction as the
 * change: the record is inserted by the write's own transaction, and handed to the host's sink
 * (the event kit's outbox) only once that transaction has committed. A record the sink did not
 * take (the process died in between, or the sink failed) stays in the table and is handed over
 * again on the next write or at the next start; its id makes a second hand-over one event.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { BackendLogger, ChangeRecord, ChangeSink } from '../../../src/spec/index.js';

export class NativeOutbox implements ChangeSink {
  private scheduled = false;

  constructor(
    private readonly database: Database.Database,
    private readonly next: ChangeSink,
    private readonly logger: BackendLogger,
  ) {
    this.handOver();
  }

  emit(record: ChangeRecord): void {
    const kept = { ...record, id: record.id ?? `evt_${randomUUID().replaceAll('-', '')}` };
    this.database.prepare('INSERT INTO outbox (id, record) VALUES (?, ?)').run(kept.id, JSON.stringify(kept));
    if (!this.database.inTransaction) {
      this.handOver();
    } else if (!this.scheduled) {
      // Statements are synchronous: by the next microtask the write's transaction has committed or rolled back.
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.handOver();
      });
    }
  }

  /** Hands every committed record to the sink, oldest first; stops at the first the sink refuses. */
  handOver(): void {
    if (this.database.inTransaction || !this.database.open) return;
    const rows = this.database.prepare('SELECT seq, record FROM outbox ORDER BY seq').all() as Array<{ seq: number; record: string }>;
    for (const row of rows) {
      try {
        this.next.emit(JSON.parse(row.record) as ChangeRecord);
      } catch (error) {
        this.logger.warn({ reason: error instanceof Error ? error.message : String(error), pending: rows.length }, 'change sink failed; the record stays in the native outbox and is handed over again');
        return;
      }
      this.database.prepare('DELETE FROM outbox WHERE seq = ?').run(row.seq);
    }
  }
}
