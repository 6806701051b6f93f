/**
 * Exchanges recorded against a real Wildfire server (`imbridge conformance --record`, see
 * docs/live-conformance.md), replayed against the fake: the same requests in the same order must
 * get the same answers, so the fake stays true to the real server. Each folder is one recording;
 * its `fake-options.json` starts the fake with the real server's settings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFixture, replayExchanges } from '../../../../src/testing/index.js';
import { startFake } from '../../fake/index.js';
import { signedHeaders } from '../../protocol/wire.js';

/**
 * Group members come back in the server's hash order (a set, not a list), and a group created
 * without an id gets one the server picks.
 */
const REPLAY_OPTIONS = { unorderedKeys: ['members'], generatedKeys: ['group_id'] };

const here = new URL('./', import.meta.url);
const recordings = readdirSync(here, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

describe('recorded Wildfire exchanges replayed against the fake', () => {
  it('has recordings', () => {
    expect(recordings.length).toBeGreaterThan(0);
  });
  for (const recording of recordings) {
    const folder = new URL(`${recording}/`, here);
    const fakeOptions = JSON.parse(readFileSync(new URL('fake-options.json', folder), 'utf8')) as Record<string, unknown>;
    const files = readdirSync(folder).filter((name) => name.endsWith('.json') && name !== 'fake-options.json');
    for (const file of files) {
      it(`${recording}/${file}: every answer as the real server gave it`, async () => {
        const fixture = parseFixture(readFileSync(new URL(file, folder), 'utf8'));
        const fake = await startFake({ port: 0, secret: 'replay-secret', ...fakeOptions });
        try {
          const result = await replayExchanges(fixture.exchanges, { url: fake.url, credentials: () => signedHeaders('replay-secret') }, REPLAY_OPTIONS);
          expect(result.compared).toBeGreaterThan(0);
          expect(result.differences).toEqual([]);
        } finally {
          await fake.close();
        }
      }, 60_000);
    }
  }
});
