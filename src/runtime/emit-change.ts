/**
 * The one way a backend emits a change record. The write it reports has already happened, so a
 * failing sink must not turn that success into an error the caller would retry: it is logged,
 * and the call answers what it reached.
 */
import type { BackendContext, ChangeType } from '../spec/index.js';

export function emitChange(context: BackendContext, type: ChangeType, target: Record<string, string>, before: unknown, after: unknown): void {
  try {
    context.changes.emit({ type, backend: context.name, target, before, after, at: new Date(context.now()).toISOString() });
  } catch (error) {
    context.logger.warn({ type, reason: error instanceof Error ? error.message : String(error) }, 'change sink failed; the change itself was made');
  }
}
