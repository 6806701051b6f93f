// The conformance suite against the native Backend object itself, on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesFacet, runConformanceSuite } from '../../../src/conformance/index.js';
import { directTarget } from './native-targets.js';

const runner = { describe, it, expect, beforeAll, afterAll };
for (const store of ['memory', 'sqlite', 'postgres'] as const) {
  runConformanceSuite(runner, directTarget(store), { name: `native/${store}/direct`, http: false });
}
messagesFacet(runner, directTarget('memory', { requireFriendship: true }), { name: 'native/memory/direct', requireFriendship: true });
