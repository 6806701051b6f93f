/** Version-aware capabilities, the ID rule, and lossless int64 reads from the whitelist listing. */
import { describe, expect, it } from 'vitest';
import { isOptionSupported, isSupported } from '../../../../src/spec/index.js';
import { parseServerVersion, wukongimCapabilities } from '../../backend/capabilities.js';
import { startFake } from '../../fake/index.js';
import { createBackend } from '../../backend/index.js';
import { fnv64a } from '../../fake/fake-state.js';
import { startHarness, users } from './harness.js';

describe('capabilities by version', () => {
  it('2.0.8–2.1.3 with whitelistOffOfPerson true cannot enforce mute-all or the room whitelist (issue #338)', () => {
    for (const [version, offOfPerson, enforced] of [
      ['2.1.3', true, false],
      ['2.0.8', true, false],
      ['2.1.3', false, true],
      ['2.1.4', true, true],
      ['2.0.7', true, true],
      ['2.2.5', true, true],
    ] as const) {
      const capabilities = wukongimCapabilities(parseServerVersion(version), offOfPerson);
      expect(isSupported(capabilities, 'groups.muteAll.set'), `${version} ${offOfPerson}`).toBe(enforced);
      expect(isSupported(capabilities, 'groups.whitelist.add'), `${version} ${offOfPerson}`).toBe(enforced);
      expect(isSupported(capabilities, 'groups.mutes.set')).toBe(true);
      expect(isOptionSupported(capabilities, 'groups.mutes.set', 'duration')).toBe(false);
    }
  });

  it('a 2.0.0 server is refused at start-up: it has none of the /cluster read routes (audit W9)', async () => {
    const context = { name: 'wk', logger: { debug() {}, info() {}, warn() {}, error() {} }, changes: { emit() {} }, now: Date.now };
    const block = (version: string) => ({ vendor: 'wukongim' as const, baseUrl: 'http://127.0.0.1:9', version });
    await expect(createBackend(block('2.0.0'), context)).rejects.toThrow(/2\.0\.0 lacks the \/cluster read routes/);
    await (await createBackend(block('2.0.1'), context)).close();
  });

  it('the backend answers UNSUPPORTED for mute-all on such a server', async () => {
    const h = await startHarness({ version: '2.1.0' });
    const [owner] = await users(h, 1);
    const room = await h.backend.rooms.create('group', { name: 'n', owner: owner! });
    await expect(h.backend.rooms.setMuteAll({ kind: 'group', id: room.id }, true)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    // The fake of a pre-2.2.2 server has no *_remove_all route: the adapter never needs it.
    const response = await fetch(`${h.fake.url}/channel/whitelist_remove_all`, { method: 'POST', headers: { token: h.fake.backendConfig.token as string }, body: '{}' });
    expect(response.status).toBe(404);
    await h.close();
  });
});

describe('precision', () => {
  it('whitelist member ids above 2^53 come back exact', async () => {
    const h = await startHarness();
    const [a, b] = await users(h, 2);
    await h.backend.friends.put(a!, b!, {});
    const rows = await h.backend.client.whitelist(a!, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(fnv64a(b!).toString());
    expect(BigInt(rows[0]!.id)).toBe(fnv64a(b!));
    expect(rows[0]!.createdAt).toMatch(/Z$/);
    await h.close();
  });

  it('startFake reports the backend block with the credentials and version', async () => {
    const fake = await startFake({ port: 0, managerToken: 'secret-x', whitelistOffOfPerson: false, version: '2.2.2' });
    expect(fake.backendConfig).toEqual({ vendor: 'wukongim', baseUrl: fake.url, token: 'secret-x', whitelistOffOfPerson: false, version: '2.2.2' });
    await fake.close();
  });
});
