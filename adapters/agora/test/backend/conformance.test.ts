/**
 * The conformance suite through real HTTP: imbridge serving the Agora backend, talking to the
 * fake over loopback; writes verified through the fake's own state (the backdoor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTarget, runConformanceSuite } from '../../../../src/conformance/index.js';
import { startFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

const runner = { describe, it, expect, beforeAll, afterAll };
runConformanceSuite(runner, fakeTarget(() => startFake({ port: 0 }), createBackdoor), { name: 'agora' });
// Direct: the Backend object as the facades call it, with no HTTP layer answering first.
runConformanceSuite(runner, fakeTarget(() => startFake({ port: 0 }), createBackdoor, { http: false }), { name: 'agora/direct', http: false });
