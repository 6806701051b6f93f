/**
 * The conformance suite through real HTTP: imbridge serving the Wildfire backend, talking to the
 * fake over loopback; writes verified through the fake's own state (the backdoor). Run for both
 * editions (pro adds member mutes, the group whitelist and conversation delete), and once with
 * requireFriendship for the messages facet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTarget, messagesFacet, runConformanceSuite } from '../../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../../src/http/error-status.js';
import { startFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

const runner = { describe, it, expect, beforeAll, afterAll };
const target = (edition: 'community' | 'pro', requireFriendship = false, http = true) =>
  fakeTarget(() => startFake({ port: 0, edition }), createBackdoor, { http, ...(requireFriendship ? { overrides: { policy: { requireFriendship: true } } } : {}) });

for (const edition of ['community', 'pro'] as const) {
  runConformanceSuite(runner, target(edition), { name: `wildfire(${edition})` });
  // Direct: the Backend object as the facades call it, with no HTTP layer answering first.
  runConformanceSuite(runner, target(edition, false, false), { name: `wildfire(${edition})/direct`, http: false });
}
messagesFacet(runner, target('community', true), { name: 'wildfire(community)', requireFriendship: true, statusFor: httpStatusForCode });
