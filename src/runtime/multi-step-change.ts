/**
 * A change a vendor can only make in several calls (A→B then B→A) is all-or-nothing: when a step
 * fails, the steps already applied are undone in reverse order. When an undo fails too, the
 * caller gets PARTIAL_FAILURE with the exact state of every step, never a silent half-change.
 */
import { ImBridgeError, PartialFailureError, type StepState } from '../spec/index.js';

export interface ChangeStep {
  /** Human description without secrets, e.g. `whitelist_add bob to alice`. */
  description: string;
  apply(): Promise<void>;
  /** Restores the state from before `apply`; absent for a last step nothing comes after. */
  undo?(): Promise<void>;
}

function describeError(error: unknown): string {
  if (error instanceof ImBridgeError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Whether a failed call may still have taken effect (no answer arrived). */
function outcomeUnknown(error: unknown): boolean {
  return error instanceof ImBridgeError && error.code === 'UPSTREAM_UNAVAILABLE';
}

export async function runSteps(steps: readonly ChangeStep[]): Promise<void> {
  const applied: ChangeStep[] = [];
  for (const [index, step] of steps.entries()) {
    try {
      await step.apply();
      applied.push(step);
    } catch (failure) {
      if (applied.length === 0) throw failure;
      const states: StepState[] = steps.map((candidate, position) => {
        if (position < index) return { step: candidate.description, state: 'applied' };
        if (position === index) {
          return {
            step: candidate.description,
            state: outcomeUnknown(failure) ? 'unknown' : 'not-applied',
            error: describeError(failure),
          };
        }
        return { step: candidate.description, state: 'not-applied' };
      });
      let compensationFailed = false;
      for (const done of [...applied].reverse()) {
        const position = steps.indexOf(done);
        const state = states[position]!;
        if (!done.undo) {
          compensationFailed = true;
          continue;
        }
        try {
          await done.undo();
          state.state = 'not-applied';
        } catch (undoFailure) {
          compensationFailed = true;
          state.error = `undo failed: ${describeError(undoFailure)}`;
        }
      }
      // A failed step whose outcome is unknown leaves the change possibly half-made even when
      // every undo worked, so the caller must learn the exact states then too.
      if (compensationFailed || outcomeUnknown(failure)) {
        throw new PartialFailureError(`step "${steps[index]!.description}" failed and the change could not be fully undone`, states, {
          cause: failure,
        });
      }
      throw failure;
    }
  }
}

/**
 * Reads the result of a change already made. A failing read must not answer as if the change had
 * not happened (the caller would see an error for a state that was reached): it becomes
 * PARTIAL_FAILURE with every step `applied`. With no steps nothing was changed, and the read's own
 * error stands.
 */
export async function readAfterChange<Value>(steps: ReadonlyArray<Pick<ChangeStep, 'description'>>, read: () => Promise<Value>): Promise<Value> {
  try {
    return await read();
  } catch (failure) {
    if (steps.length === 0 || !(failure instanceof ImBridgeError) || failure.code === 'PARTIAL_FAILURE') throw failure;
    const states: StepState[] = steps.map((step) => ({ step: step.description, state: 'applied' }));
    throw new PartialFailureError(`the change was made, but reading its result failed (${describeError(failure)})`, states, { cause: failure });
  }
}
