/**
 * The pass-through lane before express (src/http/mount-compat.ts) forwards a request only where
 * the facade's router would pass it through too: never a translated route, never a pro route of
 * a community facade, never an unsigned or badly signed request (`/admin/health` aside, which
 * the router passes unsigned too), for any method or spelling of the path. And it does take the
 * plain pass-through requests, the ones it exists for.
 */
import { describe, expect, it } from 'vitest';
import { createFacade, FACADE_ROUTES } from '../../facade/index.js';
import { signedHeaders } from '../../protocol/wire.js';
import { crossProbes, disagreements, probeLane } from '../../../../test/support/lane-agreement.js';

const SECRET = 'facade-secret';
const right = signedHeaders(SECRET);
const WRONG: ReadonlyArray<Record<string, string>> = [signedHeaders('another-secret'), signedHeaders(SECRET, () => Date.now() - 3 * 3600_000), { nonce: right.nonce!, timestamp: right.timestamp! }, {}];

describe('Wildfire facade: the pass-through lane agrees with the router', () => {
  for (const edition of ['community', 'pro'] as const) {
    it(`${edition}: forwards nothing the router would translate or refuse, and takes unmapped routes signed with the facade's secret`, async () => {
      const config = { backend: 'local', secret: SECRET, edition };
      const translated = FACADE_ROUTES.map((entry) => entry.path);
      const unmapped = ['/admin/user/onlinestatus', '/admin/health', '/no/such/route', '/'];
      const probes = crossProbes(translated, unmapped, right, WRONG);
      const results = await probeLane(createFacade, config, probes);
      expect(disagreements(results)).toEqual([]);
      const taken = results.filter((result) => result.lane !== null);
      expect(taken.every((result) => result.probe.headers === right || result.probe.url === '/admin/health')).toBe(true);
      expect(results.find((result) => result.probe.method === 'POST' && result.probe.url === '/admin/user/onlinestatus' && result.probe.headers === right)?.lane).toBe('/admin/user/onlinestatus');
      // A pro route on a community facade is the community server's missing handler, not a pass-through.
      const proRoute = '/admin/group/manager/mute';
      expect(results.find((result) => result.probe.method === 'POST' && result.probe.url === proRoute && result.probe.headers === right)?.lane).toBeNull();
      expect(taken.length).toBeGreaterThan(50);
    });
  }
});
