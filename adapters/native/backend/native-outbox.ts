/**
 * The native backend's change records, kept in its own database in the same transaction as the
 * change: the record is inserted by the write's own transaction just before it commits, and
 * handed to the host's sink (the event kit's outbox) only once that transaction has committed. A
 * record the sink did not take (the process died in between, or the sink failed) stays in the
 * table and is handed over again at the next start; its id makes a second hand-over one event.
 */
import { randomUUID } from 'node:crypto';
import type { BackendLogger, ChangeRecord, ChangeSink } from '../../../src/spec/index.js';
import type { SqlExecutor } from './sql-executor.js';

export class NativeOutbox {
  /** One hand-over at a time, so that records reach the sink in order and once. */
  private handing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SqlExecutor,
    private readonly next: ChangeSink,
    private readonly logger: BackendLogger,
  ) {}

  /**
   * Keeps the record with the change that is being made and hands it on as soon as that commits,
   * in the same turn (callers read the change's records right after the call answers); the row
   * is deleted once the sink took the record, so only a record the sink never took is left.
   */
  record(record: ChangeRecord): void {
    const kept = { ...record, id: record.id ?? `evt_${randomUUID().replaceAll('-', '')}` };
    const joined = this.store.beforeCommit(async () => {
      await this.store.run('INSERT INTO outbox (id, record) VALUES (?, ?)', [kept.id, JSON.stringify(kept)]);
    });
    if (!joined) {
      // Made outside a transaction: the change has committed already, and the sink is the record's keeper.
      this.next.emit(kept);
      return;
    }
    this.store.afterCommit(() => {
      try {
        this.next.emit(kept);
      } catch (error) {
        this.logger.warn({ type: kept.type, reason: error instanceof Error ? error.message : String(error) }, 'change sink failed; the record stays in the native outbox and is handed over at the next start');
        return;
      }
      this.store.run('DELETE FROM outbox WHERE id = ?', [kept.id]).catch((error: unknown) => {
        // Left in the table, it is handed over again at the next start: the same id, one event.
        this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'native outbox row could not be deleted');
      });
    });
  }

  /** Hands every committed record to the sink, oldest first; stops at the first the sink refuses. */
  handOver(): Promise<void> {
    this.handing = this.handing.then(() => this.handOverNow()).catch((error: unknown) => {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'native outbox hand-over failed; it is tried again after the next change');
    });
    return this.handing;
  }

  private async handOverNow(): Promise<void> {
    const rows = await this.store.all<{ seq: number; record: string }>('SELECT seq, record FROM outbox ORDER BY seq');
    for (const row of rows) {
      try {
        this.next.emit(JSON.parse(row.record) as ChangeRecord);
      } catch (error) {
        this.logger.warn({ reason: error instanceof Error ? error.message : String(error), pending: rows.length }, 'change sink failed; the record stays in the native outbox and is handed over again');
        return;
      }
      await this.store.run('DELETE FROM outbox WHERE seq = ?', [row.seq]);
    }
  }
}
