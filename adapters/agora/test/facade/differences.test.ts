/**
 * The remaining differences between the facade and Agora that hold on every backend (README,
 * "Differences"), asserted so that they stay the documented ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, fakeTarget, nativeFacadeTarget, randomHex, type Target } from './harness.js';

describe('Agora compat: documented differences', () => {
  let fake: Target;
  let facade: Target;
  const run = `d${randomHex(3)}`;
  const [a, b] = [`${run}-a`, `${run}-b`];

  beforeAll(async () => {
    [fake, facade] = await Promise.all([fakeTarget(), nativeFacadeTarget()]);
    for (const target of [fake, facade]) {
      const answer = await call(target, { method: 'POST', path: '/users', body: [a, b].map((username) => ({ username, password: 'pw' })) });
      expect(answer.status).toBe(200);
    }
  });

  afterAll(async () => {
    await Promise.all([fake.close(), facade.close()]);
  });

  it('group attributes the unified Room does not hold are answered with the vendor defaults', async () => {
    const body = { groupname: 'g', description: 'hello', public: true, maxusers: 50, custom: 'tag', owner: a };
    const details = [];
    for (const target of [fake, facade]) {
      const created = await call(target, { method: 'POST', path: '/chatgroups', body });
      const id = (created.body as { data: { groupid: string } }).data.groupid;
      const answer = await call(target, { method: 'GET', path: `/chatgroups/${id}` });
      details.push((answer.body as { data: Array<Record<string, unknown>> }).data[0]!);
    }
    expect(details[0]).toMatchObject({ description: 'hello', public: true, maxusers: 50, custom: 'tag' });
    expect(details[1]).toMatchObject({ description: '', public: false, maxusers: 200, custom: '', name: 'g', owner: a });
  });

  it('a chat room with an empty description: the fake refuses it as not provided, the facade creates it', async () => {
    const body = { name: 'lobby', description: '', owner: a };
    const [onFake, onFacade] = [await call(fake, { method: 'POST', path: '/chatrooms', body }), await call(facade, { method: 'POST', path: '/chatrooms', body })];
    expect(onFake).toMatchObject({ status: 400, body: { error: 'invalid_parameter', error_description: 'description must be provided' } });
    expect(onFacade.status).toBe(200);
  });

  it('a REST send the relationship policy refuses: Agora sends it, the facade answers 403 forbidden_op', async () => {
    const answers = [];
    for (const target of [fake, facade]) {
      await call(target, { method: 'POST', path: `/users/${b}/blocks/users`, body: { usernames: [a] } });
      answers.push(await call(target, { method: 'POST', path: '/messages/users', body: { from: a, to: [b], type: 'txt', body: { msg: 'hi' } } }));
    }
    expect(answers[0]!.status).toBe(200);
    expect(answers[1]!.status).toBe(403);
    expect(answers[1]!.body).toMatchObject({ error: 'forbidden_op', error_description: expect.stringMatching(/^BLOCKED/) });
  });

  it('a send without `from` is from `admin`, which must be a user of the backend', async () => {
    const message = { to: [a], type: 'txt', body: { msg: 'notice' } };
    const [onFake, onFacade] = [await call(fake, { method: 'POST', path: '/messages/users', body: message }), await call(facade, { method: 'POST', path: '/messages/users', body: message })];
    expect(onFake.status).toBe(200);
    expect(onFacade.status).toBe(404);
    await call(facade, { method: 'POST', path: '/users', body: { username: 'admin', password: 'pw' } });
    expect((await call(facade, { method: 'POST', path: '/messages/users', body: message })).status).toBe(200);
  });
});
