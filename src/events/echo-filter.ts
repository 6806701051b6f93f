/**
 * A vendor with callbacks configured reports imbridge's own changes back too (its after-hooks
 * fire for REST calls as well as for its SDKs). Each change must be one event, so a change seen
 * from one side (imbridge's adapter, or the vendor's callback) is matched once against the same
 * change from the other side within a window, and the second sighting is dropped.
 */
import type { ImbridgeEvent } from './imbridge-event.js';

export class EchoFilter {
  private readonly seen = new Map<string, { imbridge: number[]; vendor: number[] }>();

  constructor(private readonly windowMs: number) {}

  /** True when `event` is the other side's sighting of a change already turned into an event. */
  isEcho(event: ImbridgeEvent, now: number): boolean {
    this.expire(now);
    const key = EchoFilter.keyOf(event);
    let entry = this.seen.get(key);
    if (!entry) {
      entry = { imbridge: [], vendor: [] };
      this.seen.set(key, entry);
    }
    const other = event.source === 'imbridge' ? entry.vendor : entry.imbridge;
    if (other.length > 0) {
      other.shift();
      return true;
    }
    (event.source === 'imbridge' ? entry.imbridge : entry.vendor).push(now);
    return false;
  }

  /** The change's identity: its type, backend and target, without the one-way/mutual mode a callback cannot always tell. */
  static keyOf(event: Pick<ImbridgeEvent, 'type' | 'backend' | 'target'>): string {
    const target = Object.entries(event.target)
      .filter(([name]) => name !== 'mode')
      .sort(([left], [right]) => left.localeCompare(right));
    return JSON.stringify([event.backend, event.type, target]);
  }

  private expire(now: number): void {
    for (const [key, entry] of this.seen) {
      while (entry.imbridge.length > 0 && entry.imbridge[0]! < now - this.windowMs) entry.imbridge.shift();
      while (entry.vendor.length > 0 && entry.vendor[0]! < now - this.windowMs) entry.vendor.shift();
      if (entry.imbridge.length === 0 && entry.vendor.length === 0) this.seen.delete(key);
    }
  }
}
