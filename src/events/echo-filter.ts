/**
 * A vendor with callbacks configured reports imbridge's own changes back too (its after-hooks
 * fire for REST calls as well as for its SDKs), before or after imbridge's adapter reports the
 * same change. Each change must be one event, so the two sightings are paired: imbridge's is
 * kept (it knows the state before and the mode); a vendor sighting waits briefly (`holdMs`) for
 * imbridge's and is dropped when it comes, or when imbridge's came first (within `windowMs`).
 * A vendor sighting with no twin is a change made outside imbridge, and becomes an event.
 */
import type { ImbridgeEvent } from './imbridge-event.js';

type Change = Pick<ImbridgeEvent, 'type' | 'backend' | 'target'>;

export class EchoFilter {
  /** imbridge sightings not yet matched by a vendor echo: key → times seen. */
  private readonly fromImbridge = new Map<string, number[]>();
  /** vendor sightings held for imbridge's twin: key → how to release each. */
  private readonly held = new Map<string, Array<(echo: boolean) => void>>();

  constructor(
    private readonly windowMs: number,
    private readonly holdMs: number,
  ) {}

  /** imbridge made `event`: releases a held vendor sighting of it as an echo, or remembers it for the echo to come. */
  imbridgeSaw(event: ImbridgeEvent, now: number): void {
    this.expire(now);
    const keys = [EchoFilter.keyOf(event)];
    // A mutual friendship change may come back as one callback per direction.
    const reverse = EchoFilter.reverseOf(event);
    if (reverse) keys.push(EchoFilter.keyOf(reverse));
    for (const key of keys) {
      const waiting = this.held.get(key);
      const release = waiting?.shift();
      if (waiting && waiting.length === 0) this.held.delete(key);
      if (release) release(true);
      else this.fromImbridge.set(key, [...(this.fromImbridge.get(key) ?? []), now]);
    }
  }

  /** A vendor callback reported `event`: resolves true when it is the echo of a change imbridge made. */
  vendorSaw(event: ImbridgeEvent, now: number): Promise<boolean> {
    this.expire(now);
    const key = EchoFilter.keyOf(event);
    const seen = this.fromImbridge.get(key);
    if (seen && seen.length > 0) {
      seen.shift();
      if (seen.length === 0) this.fromImbridge.delete(key);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const release = (echo: boolean) => {
        clearTimeout(timer);
        resolve(echo);
      };
      const timer = setTimeout(() => {
        const waiting = this.held.get(key);
        const index = waiting?.indexOf(release) ?? -1;
        if (index >= 0) waiting!.splice(index, 1);
        if (waiting && waiting.length === 0) this.held.delete(key);
        resolve(false);
      }, this.holdMs);
      timer.unref();
      this.held.set(key, [...(this.held.get(key) ?? []), release]);
    });
  }

  /** The change's identity: its type, backend and target, without the one-way/mutual mode a callback cannot always tell. */
  static keyOf(event: Change): string {
    const target = Object.entries(event.target)
      .filter(([name]) => name !== 'mode')
      .sort(([left], [right]) => left.localeCompare(right));
    return JSON.stringify([event.backend, event.type, target]);
  }

  private static reverseOf(event: ImbridgeEvent): Change | undefined {
    const { uid, friend, mode } = event.target;
    if ((event.type !== 'friend.added' && event.type !== 'friend.deleted') || mode !== 'mutual' || uid === undefined || friend === undefined) return undefined;
    return { type: event.type, backend: event.backend, target: { uid: friend, friend: uid } };
  }

  private expire(now: number): void {
    for (const [key, times] of this.fromImbridge) {
      while (times.length > 0 && times[0]! < now - this.windowMs) times.shift();
      if (times.length === 0) this.fromImbridge.delete(key);
    }
  }
}
