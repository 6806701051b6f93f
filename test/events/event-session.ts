/** The scripted session the event tests run through imbridge's HTTP API, and an SSE reader. */
import { randomBytes } from 'node:crypto';

export const SCRIPTED_TYPES = ['friend.added', 'block.added', 'block.deleted', 'friend.deleted', 'friendRequest.added', 'friendRequest.accepted'] as const;

async function call(url: string, method: string, path: string, body?: unknown, backend?: string): Promise<void> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(backend ? { 'x-im-backend': backend } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
}

/** Users registered, then relationship changes; `expected` is the event sequence (type, target) in order. */
export async function scriptedSession(url: string, prefix: string, options: { backend?: string; registered?: boolean } = {}): Promise<{ users: string[]; expected: Array<[string, Record<string, string>]> }> {
  const tag = randomBytes(3).toString('hex');
  const [a, b, c] = ['a', 'b', 'c'].map((name) => `${prefix}${name}${tag}`) as [string, string, string];
  const expected: Array<[string, Record<string, string>]> = [];
  if (!options.registered) {
    for (const uid of [a, b, c]) {
      await call(url, 'PUT', `/v1/users/${uid}`, { name: uid }, options.backend);
      expected.push(['user.updated', { uid }]);
    }
  }
  await call(url, 'PUT', `/v1/users/${a}/friends/${b}`, {}, options.backend);
  expected.push(['friend.added', { uid: a, friend: b, mode: 'mutual' }]);
  await call(url, 'POST', '/v1/messages', { from: a, to: { type: 'user', id: b }, text: 'hello' }, options.backend);
  expected.push(['message.sent', { from: a, to: `user:${b}` }]);
  await call(url, 'PUT', `/v1/users/${b}/blocks/${c}`, undefined, options.backend);
  expected.push(['block.added', { uid: b, blocked: c }]);
  await call(url, 'DELETE', `/v1/users/${b}/blocks/${c}`, undefined, options.backend);
  expected.push(['block.deleted', { uid: b, blocked: c }]);
  await call(url, 'DELETE', `/v1/users/${a}/friends/${b}`, undefined, options.backend);
  expected.push(['friend.deleted', { uid: a, friend: b, mode: 'mutual' }]);
  return { users: [a, b, c], expected };
}

export interface StreamedEvent {
  id: string;
  type: string;
  target: Record<string, string>;
  backend: string;
}

/** Reads `count` events from `GET /v1/events`, then disconnects. */
export async function readEvents(url: string, options: { lastEventId?: string; after?: string; query?: string }, count: number, timeoutMs = 10_000): Promise<StreamedEvent[]> {
  const search = [options.after !== undefined ? `after=${options.after}` : '', options.query ?? ''].filter((part) => part !== '').join('&');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const response = await fetch(`${url}/v1/events${search ? `?${search}` : ''}`, {
    headers: options.lastEventId ? { 'last-event-id': options.lastEventId } : {},
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  const events: StreamedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        const id = block.split('\n').find((line) => line.startsWith('id: '));
        if (!data || !id) continue;
        const event = JSON.parse(data.slice(6)) as StreamedEvent;
        if (event.id !== id.slice(4)) throw new Error('the SSE id is not the event id');
        events.push(event);
      }
      if (events.length >= count) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (events.length < count) throw new Error(`read ${events.length} of ${count} events`);
  return events.slice(0, count);
}

/** Polls `check` until it gives a value. */
export async function waitUntil<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The events grouped by the pair of users or room they are ordered by, each group in arrival order. */
export function byOrderKey(events: ReadonlyArray<readonly [string, Record<string, string>]>): Record<string, Array<[string, Record<string, string>]>> {
  const groups: Record<string, Array<[string, Record<string, string>]>> = {};
  for (const [type, target] of events) {
    const key = target.room ?? Object.entries(target).filter(([name]) => name !== 'mode').map(([, value]) => value).sort().join('|');
    (groups[key] ??= []).push([type, target]);
  }
  return groups;
}
