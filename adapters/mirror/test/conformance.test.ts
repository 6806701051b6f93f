/**
 * The mirror holds to the contract: the whole conformance suite on mirrors of two native
 * backends (through imbridge's HTTP layer and direct) and of a vendor fake with a native
 * secondary, where the fake's fault hook also drives the all-or-nothing facet. Every write is
 * verified on the primary, through its own backdoor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceSuite } from '../../../src/conformance/index.js';
import { mirrorTarget } from './harness.js';

const runner = { describe, it, expect, beforeAll, afterAll };

runConformanceSuite(runner, mirrorTarget('native', 'native'), { name: 'mirror(native→native)' });
runConformanceSuite(runner, mirrorTarget('native', 'native', { http: false }), { name: 'mirror(native→native)/direct', http: false });
runConformanceSuite(runner, mirrorTarget('wukongim', 'native'), { name: 'mirror(wukongim→native)' });
// The cut-over direction: native answers, WuKongIM follows; every write of the suite must reach it.
runConformanceSuite(runner, mirrorTarget('native', 'wukongim'), { name: 'mirror(native→wukongim)' });
