/**
 * Exchanges recorded against a real WuKongIM server (`imbridge conformance --record`, see
 * docs/live-conformance.md), replayed against the fake, so the fake stays true to the real server.
 */
import { describe, expect, it } from 'vitest';
import { replayRecordings } from '../../../../src/testing/index.js';
import { startFake } from '../../fake/index.js';

replayRecordings(
  { describe, it, expect },
  {
    vendor: 'WuKongIM',
    folder: new URL('./', import.meta.url),
    startFake: (options) => startFake({ port: 0, managerToken: 'replay-token', ...options }),
    credentials: () => ({ token: 'replay-token' }),
  },
);
