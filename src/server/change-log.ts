/**
 * The single internal emitter every backend's change records pass through: it logs them at debug
 * level, hands them to the event kit (`next`, the durable outbox behind webhooks and the stream)
 * and lets in-process listeners subscribe. A `next` that fails throws to the backend, which then
 * knows its record was not kept.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ChangeRecord, ChangeSink } from '../spec/index.js';

export class ChangeLog implements ChangeSink {
  private readonly emitter = new EventEmitter();

  constructor(
    private readonly logger?: Logger,
    private readonly next?: ChangeSink,
  ) {
    this.emitter.setMaxListeners(100);
  }

  emit(record: ChangeRecord): void {
    this.logger?.debug({ change: record.type, backend: record.backend, target: record.target }, 'change');
    this.next?.emit(record);
    this.emitter.emit('change', record);
  }

  subscribe(listener: (record: ChangeRecord) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
