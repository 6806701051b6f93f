// everyItem / listAll walk a paged list of a real server to its end, lazily: a caller that stops
// early reads no further page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, everyItem, listAll, type PageReader } from '../../src/client/index.js';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';
import type { Friendship } from '../../src/spec/index.js';

describe('imbridge/client list walking', () => {
  let server: RunningImbridge;
  beforeAll(async () => {
    server = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
  });
  afterAll(() => server?.close());

  it('reads 25 friends in pages of 10, in order, and only the pages a caller consumes', async () => {
    const im = await createClient({ url: server.url });
    await im.users.put('owner', {});
    const friends = Array.from({ length: 25 }, (_, index) => `f${String(index).padStart(2, '0')}`);
    await im.users.putMany(friends.map((uid) => ({ uid })));
    for (const uid of friends) await im.friends.put('owner', uid, {});
    let pagesRead = 0;
    const read: PageReader<Friendship> = (options) => {
      pagesRead += 1;
      return im.friends.list('owner', options);
    };
    expect((await listAll(read, 10)).map((entry) => entry.friend)).toEqual(friends);
    expect(pagesRead).toBe(3);
    pagesRead = 0;
    const firstTwelve: string[] = [];
    for await (const entry of everyItem(read, 10)) {
      firstTwelve.push(entry.friend);
      if (firstTwelve.length === 12) break;
    }
    expect(firstTwelve).toEqual(friends.slice(0, 12));
    expect(pagesRead).toBe(2);
  });
});
