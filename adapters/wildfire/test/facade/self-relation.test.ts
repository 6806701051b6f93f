/**
 * A user blocking themselves is the same refusal over every backend: Wildfire's 251 "Invalid
 * parameter", with nothing stored. Over the Agora backend the facade once answered code 0 and
 * the Agora fake stored nothing, because the adapter itself never refused a == b.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startFacade, wildfireCall, type FacadeTarget } from './harness.js';

const targets: FacadeTarget[] = [];
afterAll(async () => {
  await Promise.all(targets.map((target) => target.close()));
});

describe.each(['native', 'agora', 'wukongim', 'openim'])('/compat/wildfire over %s', (data) => {
  it('answers 251 to /admin/blacklist/status with userId == targetUid and stores no block', async () => {
    const target = await startFacade({ edition: 'community', data });
    targets.push(target);
    const uid = `self_${randomBytes(5).toString('hex')}`;
    const created = await wildfireCall(target.url, '/admin/user/create', { userId: uid, name: uid, displayName: 'Self' }, { secret: target.secret });
    expect(created.json).toMatchObject({ code: 0 });
    const answer = await wildfireCall(target.url, '/admin/blacklist/status', { userId: uid, targetUid: uid, status: 2 }, { secret: target.secret });
    expect(answer.json).toMatchObject({ code: 251 });
    const blocks = await target.server.backends.get('data')!.blocks.list(uid, {});
    expect(blocks.items).toEqual([]);
  });
});
