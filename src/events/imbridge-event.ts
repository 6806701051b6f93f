/**
 * The one event vocabulary: a change record of any backend, given an id, a time, who acted and
 * where it came from. The same change reads the same whether imbridge made it or the vendor's
 * own SDK did (then it arrived as a vendor callback).
 */
import { randomUUID } from 'node:crypto';
import type { ChangeRecord, ChangeType } from '../spec/index.js';
import type { IngestedChange } from '../vendor-kit/index.js';

export type { IngestedChange };

export type EventSource = 'imbridge' | 'vendor';

export interface ImbridgeEvent {
  /** Unique and stable across retries: the receiver's key to drop a second delivery. */
  id: string;
  type: ChangeType;
  time: string;
  backend: string;
  /** `imbridge` for a change made through imbridge, `vendor` for one a vendor callback reported. */
  source: EventSource;
  /** The user who made the change where it is known (the owner of a friend list, a request's sender, a callback's operator), else null. */
  actor: string | null;
  target: Record<string, string>;
  before: unknown;
  after: unknown;
}

export function newEventId(): string {
  return `evt_${randomUUID().replaceAll('-', '')}`;
}

/** Target keys that name a room (`<kind>:<id>`), not a user. */
const ROOM_KEYS = new Set(['room']);

/** Every user an event is about, for the stream's `user` filter. */
export function usersOf(event: Pick<ImbridgeEvent, 'target'>): string[] {
  const users = new Set<string>();
  for (const [key, value] of Object.entries(event.target)) {
    if (ROOM_KEYS.has(key) || key === 'mode' || key === 'peerType') continue;
    if (key === 'peerId' && event.target.peerType !== 'user') continue;
    if (key === 'to' && value.includes(':')) {
      const [kind, id] = value.split(':', 2) as [string, string];
      if (kind === 'user') users.add(id);
      continue;
    }
    users.add(value);
  }
  return [...users];
}

/**
 * What deliveries are ordered by: one room, or one pair of users whatever their order (a's block
 * of b and b's friend request to a reach the receiver in the order they happened).
 */
export function orderKeyOf(event: Pick<ImbridgeEvent, 'backend' | 'target'>): string {
  if (event.target.room !== undefined) return `${event.backend}|room|${event.target.room}`;
  if (event.target.to !== undefined && event.target.to.includes(':') && !event.target.to.startsWith('user:')) return `${event.backend}|room|${event.target.to}`;
  return `${event.backend}|users|${usersOf(event).sort().join('|')}`;
}

export function actorOf(target: Record<string, string>): string | null {
  return target.uid ?? target.from ?? null;
}

export function eventFromRecord(record: ChangeRecord, source: EventSource): ImbridgeEvent {
  return {
    id: record.id ?? newEventId(),
    type: record.type,
    time: record.at,
    backend: record.backend,
    source,
    actor: actorOf(record.target),
    target: record.target,
    before: record.before ?? null,
    after: record.after ?? null,
  };
}

export function eventFromIngested(backend: string, change: IngestedChange, now: number): ImbridgeEvent {
  return {
    id: newEventId(),
    type: change.type,
    time: change.time ?? new Date(now).toISOString(),
    backend,
    source: 'vendor',
    actor: change.actor,
    target: change.target,
    before: null,
    after: change.after ?? null,
  };
}
