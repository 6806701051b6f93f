/**
 * The pass-through lane before express (src/http/mount-compat.ts) forwards a request only where
 * the facade's router would pass it through too: never a mapped route, never a request without
 * `operationID` and a token the facade issued, for any method or spelling of the path. And it
 * does take the plain pass-through requests, the ones it exists for.
 */
import { describe, expect, it } from 'vitest';
import { createFacade } from '../../facade/index.js';
import { credentialsOf, issueAdminToken } from '../../facade/auth.js';
import { crossProbes, disagreements, probeLane, routePaths } from '../../../../test/support/lane-agreement.js';

const CONFIG = { backend: 'local', secret: 'facade-secret' };
const token = String(issueAdminToken(credentialsOf(CONFIG), { secret: 'facade-secret', userID: 'imAdmin' }, Date.now()).token);
const foreign = String(issueAdminToken(credentialsOf({ secret: 'another-secret' }), { secret: 'another-secret', userID: 'imAdmin' }, Date.now()).token);
const CREDENTIALS: ReadonlyArray<Record<string, string>> = [{ operationID: 'op-1', token }, { operationID: 'op-1', token: foreign }, { token }, { operationID: 'op-1' }, {}];

describe('OpenIM facade: the pass-through lane agrees with the router', () => {
  it('forwards nothing the router would translate or refuse, and takes unmapped routes with a facade token', async () => {
    const mapped = routePaths(createFacade, CONFIG);
    expect(mapped.length).toBeGreaterThan(20);
    const [right, ...wrong] = CREDENTIALS;
    const probes = crossProbes(mapped, ['/user/get_all_users_uid', '/no/such/route', '/'], right!, wrong);
    const results = await probeLane(createFacade, CONFIG, probes);
    expect(disagreements(results)).toEqual([]);
    const taken = results.filter((result) => result.lane !== null);
    expect(taken.every((result) => result.probe.headers.token === token && result.probe.headers.operationID === 'op-1')).toBe(true);
    expect(results.find((result) => result.probe.method === 'POST' && result.probe.url === '/user/get_all_users_uid' && result.probe.headers.token === token && result.probe.headers.operationID)?.lane).toBe('/user/get_all_users_uid');
    expect(taken.length).toBeGreaterThan(50);
  });
});
