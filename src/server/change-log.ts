/**
 * The single internal emitter every backend's change records pass through. Today it logs them at
 * debug level and lets in-process listeners subscribe; webhooks and streams attach here later.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ChangeRecord, ChangeSink } from '../spec/index.js';

export class ChangeLog implements ChangeSink {
  private readonly emitter = new EventEmitter();

  constructor(private readonly logger?: Logger) {
    this.emitter.setMaxListeners(100);
  }

  emit(record: ChangeRecord): void {
    this.logger?.debug({ change: record.type, backend: record.backend, target: record.target }, 'change');
    this.emitter.emit('change', record);
  }

  subscribe(listener: (record: ChangeRecord) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
