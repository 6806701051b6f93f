/**
 * The CI test over a vendor's recorded exchanges (`adapters/<vendor>/test/recorded/`): one test
 * per recorded facet file, each replayed against a fresh fake started with the recording's
 * `fake-options.json` (the real server's settings), every answer required as the real server
 * gave it. Each vendor's `replay.test.ts` calls this with its fake and its credentials.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ExpectStatic } from 'vitest';
import { parseFixture, replayExchanges, type ExchangeRequest, type ReplayOptions } from './replay-exchanges.js';

export interface ReplayRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void> | void, timeout?: number): void;
  expect: ExpectStatic;
}

export interface RecordingsSpec {
  vendor: string;
  /** The `recorded/` folder: one sub-folder per recording. */
  folder: URL;
  startFake(options: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }>;
  /** Valid credentials for that fake. */
  credentials(request: ExchangeRequest): Record<string, string>;
  options?: ReplayOptions;
}

export function replayRecordings(runner: ReplayRunner, spec: RecordingsSpec): void {
  const { describe, it, expect } = runner;
  const recordings = readdirSync(spec.folder, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  describe(`recorded ${spec.vendor} exchanges replayed against the fake`, () => {
    it('has recordings', () => {
      expect(recordings.length).toBeGreaterThan(0);
    });
    for (const recording of recordings) {
      const folder = new URL(`${recording}/`, spec.folder);
      const fakeOptions = JSON.parse(readFileSync(new URL('fake-options.json', folder), 'utf8')) as Record<string, unknown>;
      for (const file of readdirSync(folder).filter((name) => name.endsWith('.json') && name !== 'fake-options.json')) {
        it(`${recording}/${file}: every answer as the real server gave it`, async () => {
          const fixture = parseFixture(readFileSync(new URL(file, folder), 'utf8'));
          const fake = await spec.startFake(fakeOptions);
          try {
            const result = await replayExchanges(fixture.exchanges, { url: fake.url, credentials: spec.credentials }, spec.options);
            expect(result.compared).toBeGreaterThan(0);
            expect(result.differences).toEqual([]);
          } finally {
            await fake.close();
          }
        }, 60_000);
      }
    }
  });
}
