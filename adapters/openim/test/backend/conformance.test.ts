/**
 * The conformance suite through real HTTP: imbridge serving the OpenIM backend, talking to the
 * OpenIM fake over loopback; writes are verified through the fake's own state (the backdoor).
 * Run on the 3.8.3 baseline, on 3.7 (legacy token route, no get_specified_blacks), and with
 * friendVerify for the messages facet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTarget, messagesFacet, runConformanceSuite } from '../../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../../src/http/error-status.js';
import { startFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

const runner = { describe, it, expect, beforeAll, afterAll };
const target = (version: string, friendVerify = false, http = true) => fakeTarget(() => startFake({ port: 0, version, friendVerify }), createBackdoor, { http });

runConformanceSuite(runner, target('3.8.3'), { name: 'openim(3.8.3)' });
runConformanceSuite(runner, target('3.7'), { name: 'openim(3.7)' });
// Direct: the Backend object as the facades call it, with no HTTP layer answering first.
runConformanceSuite(runner, target('3.8.3', false, false), { name: 'openim(3.8.3)/direct', http: false });
runConformanceSuite(runner, target('3.7', false, false), { name: 'openim(3.7)/direct', http: false });
messagesFacet(runner, target('3.8.3', true), { name: 'openim(3.8.3, friendVerify)', requireFriendship: true, statusFor: httpStatusForCode });
