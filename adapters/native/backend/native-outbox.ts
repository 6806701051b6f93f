/**
 * The native backend's change records, kept in its own database in the same transaction as the
 * change: the record is inserted by the write's own transaction just before it commits, and
 * handed to the host's sink (the event kit's outbox) only once that transaction has committed. A
 * record the sink did not take (the process died in between, or the sink failed) stays in the
 * table and is handed over again after the next write or at the next start; its id makes a second
 * hand-over one event.
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

  /** Keeps the record with the change that is being made, and hands it over once that commits. */
  record(record: ChangeRecord): void {
    const kept = { ...record, id: record.id ?? `evt_${randomUUID().replaceAll('-', '')}` };
    const insert = async () => {
      await this.store.run('INSERT INTO outbox (id, record) VALUES (?, ?)', [kept.id, JSON.stringify(kept)]);
    };
    if (this.store.beforeCommit(insert)) {
      this.store.afterCommit(() => void this.handOver());
      return;
    }
    // A single-statement change made outside a transaction has committed already: the record follows it.
    insert().then(
      () => this.handOver(),
      (error: unknown) => this.logger.warn({ type: record.type, reason: error instanceof Error ? error.message : String(error) }, 'change record could not be kept; the change itself was made'),
    );
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
