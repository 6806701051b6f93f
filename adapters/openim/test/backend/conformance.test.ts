/**
 * The conformance suite through real HTTP: imbridge serving the OpenIM backend, talking to the
 * OpenIM fake over loopback; writes are verified through the fake's own state (the backdoor).
 * Run on every release group the adapter claims (README "Versions"): the 3.8.3 baseline and its
 * hotfix build patch.16, 3.8.2 (the first to omit unknown users), 3.8.1 (get_admin_token, but
 * get_users_info refuses unknown ids), 3.8.0 (legacy token route too) and 3.7 (import_friend
 * re-inserts rows, 1004 for non-friends); and with friendVerify for the messages facet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTarget, messagesFacet, runConformanceSuite } from '../../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../../src/http/error-status.js';
import { startFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

const runner = { describe, it, expect, beforeAll, afterAll };
const target = (version: string, friendVerify = false, http = true) => fakeTarget(() => startFake({ port: 0, version, friendVerify }), createBackdoor, { http });

runConformanceSuite(runner, target('3.8.3'), { name: 'openim(3.8.3)' });
runConformanceSuite(runner, target('3.8.3-patch.16'), { name: 'openim(3.8.3-patch.16)' });
runConformanceSuite(runner, target('3.8.2'), { name: 'openim(3.8.2)' });
runConformanceSuite(runner, target('3.8.1'), { name: 'openim(3.8.1)' });
runConformanceSuite(runner, target('3.8.0'), { name: 'openim(3.8.0)' });
runConformanceSuite(runner, target('3.7'), { name: 'openim(3.7)' });
// Direct: the Backend object as the facades call it, with no HTTP layer answering first.
runConformanceSuite(runner, target('3.8.3', false, false), { name: 'openim(3.8.3)/direct', http: false });
runConformanceSuite(runner, target('3.7', false, false), { name: 'openim(3.7)/direct', http: false });
messagesFacet(runner, target('3.8.3', true), { name: 'openim(3.8.3, friendVerify)', requireFriendship: true, statusFor: httpStatusForCode });
