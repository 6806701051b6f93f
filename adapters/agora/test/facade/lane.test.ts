/**
 * The pass-through lane before express (src/http/mount-compat.ts) forwards a request only where
 * the facade's router would pass it through too: never a translated route, never a path outside
 * the facade's app, never a request without an app token of the facade's App ID and certificate,
 * for any method or spelling of the path. And it does take the plain pass-through requests.
 */
import { describe, expect, it } from 'vitest';
import { createFacade } from '../../facade/index.js';
import { METHODS, crossProbes, disagreements, probeLane, routePaths, type Probe } from '../../../../test/support/lane-agreement.js';
import { CREDENTIALS as APP, appToken, userToken } from './harness.js';

const CONFIG = { backend: 'local', orgName: APP.orgName, appName: APP.appName, appId: APP.appId, appCertificate: APP.appCertificate };
const right = { authorization: `Bearer ${appToken()}` };
const WRONG: ReadonlyArray<Record<string, string>> = [{ authorization: `Bearer ${appToken(APP.appId, 'f'.repeat(32))}` }, { authorization: `Bearer ${userToken('someone')}` }, { authorization: 'Bearer not-a-token' }, {}];
const PREFIXES = [`/${APP.orgName}/${APP.appName}`, `/app-id/${APP.appId}`];

describe('Agora facade: the pass-through lane agrees with the router', () => {
  it('forwards nothing the router would translate or refuse, and takes unmapped routes with the app token', async () => {
    const translated = routePaths(createFacade, CONFIG);
    expect(translated.length).toBeGreaterThan(30);
    const unmapped = ['/metadata/user/someone', '/no/such/route', '/'];
    const probes: Probe[] = [
      ...crossProbes(translated, unmapped, right, WRONG, PREFIXES[0]),
      ...crossProbes(translated, unmapped, right, [], PREFIXES[1]),
      // Another app's prefix, and the facade's own org spelled in capitals.
      ...crossProbes([], [...translated, ...unmapped], right, [], '/other-org/other-app'),
      ...METHODS.map((method) => ({ method, url: `/${APP.orgName.toUpperCase()}/${APP.appName}/metadata/user/someone`, headers: right })),
    ];
    const results = await probeLane(createFacade, CONFIG, probes);
    expect(disagreements(results)).toEqual([]);
    const taken = results.filter((result) => result.lane !== null);
    expect(taken.every((result) => result.probe.headers === right && PREFIXES.some((prefix) => result.probe.url.startsWith(`${prefix}/`)))).toBe(true);
    for (const prefix of PREFIXES) {
      expect(results.find((result) => result.probe.method === 'GET' && result.probe.url === `${prefix}/metadata/user/someone` && result.probe.headers === right)?.lane).toBe('/metadata/user/someone');
    }
    expect(taken.length).toBeGreaterThan(50);
  });
});
