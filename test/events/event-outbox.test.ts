// The outbox on its own: order per pair or room, dead letters, pruning that never drops a pending delivery.
import { describe, expect, it } from 'vitest';
import { EventOutbox } from '../../src/events/index.js';
import type { ImbridgeEvent } from '../../src/events/index.js';

let counter = 0;
function event(target: Record<string, string>, type: ImbridgeEvent['type'] = 'block.added'): ImbridgeEvent {
  counter += 1;
  return { id: `evt_${counter}`, type, time: new Date(0).toISOString(), backend: 'local', source: 'imbridge', actor: null, target, before: null, after: null };
}

describe('EventOutbox', () => {
  it('offers one delivery per pair at a time, oldest first; other pairs go alongside', () => {
    const outbox = new EventOutbox(':memory:');
    const first = event({ uid: 'a', blocked: 'b' });
    const second = event({ uid: 'b', friend: 'a', mode: 'mutual' }, 'friend.added');
    const other = event({ uid: 'c', blocked: 'd' });
    for (const each of [first, second, other]) expect(outbox.append(each, ['http://hook'], 0)).toBe(true);
    expect(outbox.append(first, ['http://hook'], 0)).toBe(false);
    const due = outbox.dueDeliveries(0, 10, new Set());
    expect(due.map((delivery) => delivery.event.id)).toEqual([first.id, other.id]);
    outbox.markFailed(due[0]!.deliveryId, 'down', 1_000, 0);
    // The pair a|b waits for its first event's retry; c|d is done.
    outbox.markDelivered(due[1]!.deliveryId, 0);
    expect(outbox.dueDeliveries(500, 10, new Set())).toEqual([]);
    expect(outbox.dueDeliveries(1_000, 10, new Set()).map((delivery) => delivery.event.id)).toEqual([first.id]);
    outbox.markFailed(due[0]!.deliveryId, 'gone', null, 1_000);
    expect(outbox.dead(0, 10).map((dead) => [dead.event.id, dead.attempts, dead.lastError])).toEqual([[first.id, 2, 'gone']]);
    // A dead letter no longer holds the pair back.
    expect(outbox.dueDeliveries(1_000, 10, new Set()).map((delivery) => delivery.event.id)).toEqual([second.id]);
    expect(outbox.replay(outbox.dead(0, 10)[0]!.id, 2_000)).toBe(true);
    expect(outbox.dueDeliveries(2_000, 10, new Set()).map((delivery) => delivery.event.id)).toEqual([first.id]);
    expect(outbox.depth()).toBe(2);
  });

  it('prunes old and surplus events but never one still pending', () => {
    const outbox = new EventOutbox(':memory:');
    const events = Array.from({ length: 5 }, (_, index) => event({ uid: `u${index}`, blocked: 'x' }));
    for (const each of events) outbox.append(each, ['http://hook'], 0);
    for (const delivery of outbox.dueDeliveries(0, 10, new Set()).slice(1)) outbox.markDelivered(delivery.deliveryId, 0);
    expect(outbox.prune(-1, 2)).toBe(2);
    expect(outbox.eventsAfter(0, {}, 10).map((stored) => stored.event.id)).toEqual([events[0]!.id, events[3]!.id, events[4]!.id]);
    expect(outbox.prune(1)).toBe(2);
    expect(outbox.eventsAfter(0, {}, 10).map((stored) => stored.event.id)).toEqual([events[0]!.id]);
  });
});
