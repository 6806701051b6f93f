/**
 * The conformance suite through real HTTP: imbridge serving the WuKongIM backend, talking to the
 * fake over loopback; writes verified through the fake's own state (the backdoor). The whole
 * suite runs with the vendor default `whitelistOffOfPerson: true`; the messages facet runs again
 * with `false`, where friendship gates direct messages (`requireFriendship`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationsFacet, fakeTarget, messagesFacet, runConformanceSuite } from '../../../../src/conformance/index.js';
import { httpStatusForCode } from '../../../../src/http/error-status.js';
import { startFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

const runner = { describe, it, expect, beforeAll, afterAll };
const target = (whitelistOffOfPerson: boolean, http = true) => fakeTarget(() => startFake({ port: 0, whitelistOffOfPerson }), createBackdoor, { http });

// The vendor default: person whitelists are not enforced, friendship does not gate sending.
runConformanceSuite(runner, target(true), { name: 'wukongim' });
// Direct: the Backend object as the facades call it, with no HTTP layer answering first.
runConformanceSuite(runner, target(true, false), { name: 'wukongim/direct', http: false });

// whitelistOffOfPerson=false: the backend requires friendship for direct messages, as WuKongIM does.
messagesFacet(runner, target(false), { name: 'wukongim(whitelistOffOfPerson=false)', requireFriendship: true, statusFor: httpStatusForCode });

// The real server stores a sent message a few ms after answering (audit W1's cousin): with a lag
// of 30 ms, a conversation read or delete right after a send must still see the message.
const lagging = fakeTarget(() => startFake({ port: 0, storeDelayMs: 30 }), createBackdoor, { http: false });
conversationsFacet(runner, lagging, { name: 'wukongim(storeDelayMs=30)' });
messagesFacet(runner, lagging, { name: 'wukongim(storeDelayMs=30)' });
