/**
 * The documented differences of the facade (README "Differences"), as a user of the facade on the
 * native backend would notice them: the state they leave and the answers they give.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, nativeFacadeTarget, randomSuffix, type VendorTarget } from './harness.js';

const payload = (content: string) => Buffer.from(JSON.stringify({ type: 1, content }), 'utf8').toString('base64');

describe('WuKongIM facade on native: documented differences', () => {
  let facade: VendorTarget & { server: Awaited<ReturnType<typeof nativeFacadeTarget>>['server'] };
  beforeAll(async () => {
    facade = await nativeFacadeTarget();
  });
  afterAll(async () => {
    await facade.close();
  });

  const post = (path: string, body: unknown) => call(facade, { method: 'POST', path, body });
  const send = (from: string, channel: string, type: number) =>
    post('/message/send', { from_uid: from, channel_id: channel, channel_type: type, payload: payload('hi') });

  it('a whitelist_add is one friend entry in one direction; a blacklist_add a block the backend enforces', async () => {
    const [a, b] = [`a_${randomSuffix()}`, `b_${randomSuffix()}`];
    expect((await post('/channel/whitelist_add', { channel_id: a, channel_type: 1, uids: [b] })).status).toBe(200);
    const backend = facade.server.backends.get('local')!;
    expect(await backend.relations.get(a, b)).toMatchObject({ friend: true, friendOf: false });
    expect((await post('/channel/blacklist_add', { channel_id: b, channel_type: 1, uids: [a] })).status).toBe(200);
    // Difference 3: WuKongIM's REST send is never refused; the backend's policy is.
    const refused = await send(a, b, 1);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 400 });
    expect((await send(b, a, 1)).status).toBe(200);
  });

  it('the group whitelist is mute-all with exemptions, enforced by the backend', async () => {
    const [owner, member, group] = [`o_${randomSuffix()}`, `m_${randomSuffix()}`, `g_${randomSuffix()}`];
    await post('/channel', { channel_id: group, channel_type: 2, subscribers: [owner, member] });
    const backend = facade.server.backends.get('local')!;
    expect(await backend.rooms.get({ kind: 'group', id: group })).toMatchObject({ owner, muteAll: false, memberCount: 2 });
    expect((await post('/channel/whitelist_add', { channel_id: group, channel_type: 2, uids: [owner] })).status).toBe(200);
    expect((await backend.rooms.get({ kind: 'group', id: group })).muteAll).toBe(true);
    expect((await send(member, group, 2)).status).toBe(400);
    expect((await post('/channel/whitelist_remove', { channel_id: group, channel_type: 2, uids: [owner] })).status).toBe(200);
    expect((await backend.rooms.get({ kind: 'group', id: group })).muteAll).toBe(false);
    expect((await send(member, group, 2)).status).toBe(200);
  });

  it('refuses what no backend can hold instead of dropping it', async () => {
    const [a, group] = [`a_${randomSuffix()}`, `g_${randomSuffix()}`];
    const self = await post('/channel/whitelist_add', { channel_id: a, channel_type: 1, uids: [a] });
    expect(self.status).toBe(400);
    const banned = await post('/channel', { channel_id: group, channel_type: 2, ban: 1, subscribers: [a] });
    expect(banned.status).toBe(400);
    expect(String((banned.body as { msg: string }).msg)).toContain('ban');
    expect((await post('/channel', { channel_id: group, channel_type: 2, subscribers: [] })).status).toBe(400);
    expect((await post('/message/send', { channel_id: a, channel_type: 1, payload: payload('x') })).status).toBe(400);
    expect((await post('/channel/whitelist_add', { channel_id: a, channel_type: 4, uids: ['x'] })).status).toBe(400);
    // Nothing was created by the refused calls.
    const backend = facade.server.backends.get('local')!;
    await expect(backend.rooms.get({ kind: 'group', id: group })).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
  });

  it('an unknown X-IM-Backend is a vendor-shaped 400', async () => {
    const answer = await call(facade, { method: 'GET', path: '/cluster/channels/x/1/denylist' }, { 'x-im-backend': 'nope' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 400, msg: expect.stringContaining('nope') });
  });
});
