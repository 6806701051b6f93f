/**
 * The pass-through lane before express (src/http/mount-compat.ts) forwards a request only where
 * the facade's router would pass it through too: never a translated route, never a request
 * without the facade's token, for any method or spelling of the path. And it does take the plain
 * pass-through requests, the ones it exists for.
 */
import { describe, expect, it } from 'vitest';
import { createFacade } from '../../facade/index.js';
import { crossProbes, disagreements, probeLane, routePaths } from '../../../../test/support/lane-agreement.js';

const CONFIG = { backend: 'local', token: 'facade-token' };
const CREDENTIALS: ReadonlyArray<Record<string, string>> = [{ token: 'facade-token' }, { token: 'wrong-token' }, {}];

describe('WuKongIM facade: the pass-through lane agrees with the router', () => {
  it('forwards nothing the router would translate or refuse, and takes unmapped routes with the token', async () => {
    const translated = routePaths(createFacade, CONFIG);
    expect(translated.length).toBeGreaterThan(10);
    const [right, ...wrong] = CREDENTIALS;
    const probes = crossProbes(translated, ['/user/systemuids_add', '/no/such/route', '/'], right!, wrong);
    const results = await probeLane(createFacade, CONFIG, probes);
    expect(disagreements(results)).toEqual([]);
    const taken = results.filter((result) => result.lane !== null);
    // Every request the lane takes carries the facade's token, and none is a translated route as spelled.
    expect(taken.every((result) => result.probe.headers.token === 'facade-token')).toBe(true);
    expect(results.find((result) => result.probe.method === 'POST' && result.probe.url === '/user/systemuids_add' && result.probe.headers.token === 'facade-token')?.lane).toBe('/user/systemuids_add');
    expect(taken.length).toBeGreaterThan(50);
  });
});
