/**
 * Exchanges recorded against a real Wildfire server (`imbridge conformance --record`, see
 * docs/live-conformance.md), replayed against the fake, so the fake stays true to the real server.
 */
import { describe, expect, it } from 'vitest';
import { replayRecordings } from '../../../../src/testing/index.js';
import { startFake } from '../../fake/index.js';
import { signedHeaders } from '../../protocol/wire.js';

replayRecordings(
  { describe, it, expect },
  {
    vendor: 'Wildfire',
    folder: new URL('./', import.meta.url),
    startFake: (options) => startFake({ port: 0, secret: 'replay-secret', ...options }),
    credentials: () => signedHeaders('replay-secret'),
    // Group members come back in the server's hash order (a set), and a group created without an
    // id gets one the server picks.
    options: { unorderedKeys: ['members'], generatedKeys: ['group_id'] },
  },
);
