/**
 * The conformance suite through real HTTP: imbridge serving the Agora backend, talking to the
 * fake over loopback; writes verified through the fake's own state (the backdoor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTarget, runConformanceSuite } from '../../../../src/conformance/index.js';
import { startFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

runConformanceSuite({ describe, it, expect, beforeAll, afterAll }, fakeTarget(() => startFake({ port: 0 }), createBackdoor), { name: 'agora' });
