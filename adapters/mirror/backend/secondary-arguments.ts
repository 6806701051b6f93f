/**
 * The few writes whose arguments the secondary cannot take as the primary did, because they
 * depend on the primary's answer or on when they arrive:
 *
 * - a room created without an id gets the id the primary chose, so both hold the same room;
 * - a timed mute is relative to its arrival, so a write delivered late from the queue gets only
 *   the time that is left of it (at least one second), and both mutes end together.
 */
import type { Room, RoomInput } from '../../../src/spec/index.js';

/** The secondary's arguments of a write the primary answered with `result`. */
export function secondaryArguments(method: string, args: readonly unknown[], result: unknown): unknown[] {
  if (method === 'rooms.create') {
    const [kind, input] = args as [string, RoomInput];
    const id = (result as Partial<Room> | null)?.id;
    if (input.id === undefined && typeof id === 'string') return [kind, { ...input, id }];
  }
  return [...args];
}

const MUTES_WITH_DURATION: ReadonlySet<string> = new Set(['rooms.mutes.set', 'rooms.mutes.setMany']);

/** The arguments at delivery, `elapsedMs` after the primary took the write. */
export function argumentsAtDelivery(method: string, args: readonly unknown[], elapsedMs: number): unknown[] {
  const duration = args[2];
  if (!MUTES_WITH_DURATION.has(method) || typeof duration !== 'number') return [...args];
  const left = Math.max(1, duration - Math.floor(elapsedMs / 1000));
  return [args[0], args[1], left, ...args.slice(3)];
}
