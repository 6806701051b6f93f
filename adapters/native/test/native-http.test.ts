// The conformance suite through imbridge's HTTP API (supertest), on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesFacet, runConformanceSuite } from '../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../src/http/error-status.js';
import { httpTarget } from './native-targets.js';

const runner = { describe, it, expect, beforeAll, afterAll };
for (const store of ['memory', 'sqlite', 'postgres'] as const) {
  runConformanceSuite(runner, httpTarget(store), { name: `native/${store}/http` });
}
messagesFacet(runner, httpTarget('sqlite', { requireFriendship: true }), { name: 'native/sqlite/http', requireFriendship: true, statusFor: httpStatusForCode });
