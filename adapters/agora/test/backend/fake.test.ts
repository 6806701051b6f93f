/**
 * The fake refuses credentials exactly as Agora does (vendor note §2, §3) and reproduces the
 * quirks of §16 an adapter must cope with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import agoraToken from 'agora-token';
import { startFake, type RunningAgoraFake } from '../../fake/index.js';
import { uid } from './harness.js';

const { ChatTokenBuilder } = agoraToken;
let fake: RunningAgoraFake;
let clock = Date.now();

beforeAll(async () => {
  fake = await startFake({ port: 0, now: () => clock });
});
afterAll(async () => {
  await fake.close();
});

function appToken(ttl = 600, appId = fake.credentials.appId, certificate = fake.credentials.appCertificate): string {
  return ChatTokenBuilder.buildAppToken(appId, certificate, ttl);
}

async function call(method: string, path: string, options: { token?: string | null; body?: unknown; contentType?: string; prefix?: string } = {}) {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? appToken() : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const prefix = options.prefix ?? `/${fake.credentials.orgName}/${fake.credentials.appName}`;
  const response = await fetch(`${fake.url}${prefix}${path}`, { method, headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('agora fake: auth refusals', () => {
  it.each([
    ['no Authorization header', null, 'unauthorized', 'Unable to authenticate due to expired access token'],
    ['a token that is not an AccessToken2', 'YWMtnotatoken', 'auth_bad_access_token', 'Unable to authenticate due to corrupt access token'],
    ['a 007 token with a broken body', '007eJxgarbage', 'auth_bad_access_token', 'Unable to authenticate due to corrupt access token'],
  ])('refuses %s with 401 %s', async (_case, token, error, description) => {
    const answer = await call('GET', '/users/nobody', { token });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error, error_description: description });
    expect(typeof answer.body.exception).toBe('string');
  });

  it('refuses a well-formed token of another app or signed with another certificate: 401 auth_bad_access_token "Unable to authenticate"', async () => {
    for (const token of [appToken(600, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), appToken(600, fake.credentials.appId, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')]) {
      const answer = await call('GET', '/users/nobody', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: 'auth_bad_access_token', error_description: 'Unable to authenticate' });
    }
  });

  it('refuses a user token (privilege 1) where an app token is required', async () => {
    const token = ChatTokenBuilder.buildUserToken(fake.credentials.appId, fake.credentials.appCertificate, 'someone', 600);
    const answer = await call('GET', '/users/nobody', { token });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('auth_bad_access_token');
  });

  it('refuses an expired token with 401 unauthorized "expired access token"', async () => {
    // The token's issue time is the real clock's: start the fake's clock there, or the seconds
    // this file has already run would be subtracted from the 61 s moved below.
    clock = Date.now();
    const token = appToken(60);
    clock += 61_000;
    try {
      const answer = await call('GET', '/users/nobody', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: 'unauthorized', error_description: 'Unable to authenticate due to expired access token' });
    } finally {
      clock = Date.now();
    }
  });

  it('answers 404 organization_application_not_found for an unknown org/app or app id', async () => {
    for (const prefix of ['/other-org/other-app', '/app-id/ffffffffffffffffffffffffffffffff']) {
      const answer = await call('GET', '/users/nobody', { prefix });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toBe('organization_application_not_found');
    }
  });

  it('accepts a valid token on both path prefixes (/{org}/{app} and /app-id/{appId})', async () => {
    const name = uid();
    const created = await call('POST', '/users', { body: { username: name, password: 'p' } });
    expect(created.status).toBe(200);
    const viaAppId = await call('GET', `/users/${name}`, { prefix: `/app-id/${fake.credentials.appId}` });
    expect(viaAppId.status).toBe(200);
    expect((viaAppId.body.entities as Array<Record<string, unknown>>)[0]).toMatchObject({ username: name, type: 'user', activated: true });
  });
});

describe('agora fake: envelopes and quirks', () => {
  it('answers the usergrid envelope and the error body', async () => {
    const name = uid();
    const created = await call('POST', '/users', { body: { username: name, password: 'p' } });
    expect(created.body).toMatchObject({ action: 'post', entities: [{ username: name }], data: [] });
    expect(typeof created.body.timestamp).toBe('number');
    const duplicate = await call('POST', '/users', { body: { username: name, password: 'p' } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toBe('duplicate_unique_property_exists');
    const missing = await call('GET', `/users/${uid()}`);
    expect(missing).toMatchObject({ status: 404, body: { error: 'service_resource_not_found', error_description: 'Service resource not found' } });
  });

  it('refuses bad JSON (400 json_parse) and a body without a JSON Content-Type (415)', async () => {
    expect((await call('POST', '/users', { body: '{bad' })).body.error).toBe('json_parse');
    const wrongType = await call('POST', '/users', { body: '{"username":"x"}', contentType: 'text/plain' });
    expect(wrongType.status).toBe(415);
  });

  it('answers not-a-member with 400 for chat rooms and 403 for groups', async () => {
    const [owner, outsider] = [uid(), uid()];
    for (const name of [owner, outsider]) await call('POST', '/users', { body: { username: name, password: 'p' } });
    const group = await call('POST', '/chatgroups', { body: { groupname: 'g', public: true, owner } });
    const room = await call('POST', '/chatrooms', { body: { name: 'r', description: 'r', owner } });
    const groupId = (group.body.data as Record<string, string>).groupid!;
    const roomId = (room.body.data as Record<string, string>).id!;
    const onGroup = await call('POST', `/chatgroups/${groupId}/white/users`, { body: { usernames: [outsider] } });
    const onRoom = await call('POST', `/chatrooms/${roomId}/white/users`, { body: { usernames: [outsider] } });
    expect(onGroup).toMatchObject({ status: 403, body: { error: 'forbidden_op' } });
    expect(onRoom).toMatchObject({ status: 400, body: { error: 'forbidden_op' } });
    expect(String(onRoom.body.error_description)).toContain('are not members of this group');
    // §16: 404 codes differ between chat room details and groups.
    expect((await call('GET', '/chatrooms/1')).body.error).toBe('service_resource_not_found');
    expect((await call('GET', '/chatgroups/1')).body.error).toBe('resource_not_found');
  });

  it('creates a group without `public` (optional per Agora, audit A8), private', async () => {
    const owner = uid();
    await call('POST', '/users', { body: { username: owner, password: 'p' } });
    const created = await call('POST', '/chatgroups', { body: { groupname: 'g', owner } });
    expect(created.status).toBe(200);
    const details = await call('GET', `/chatgroups/${(created.body.data as Record<string, string>).groupid!}`);
    expect((details.body.data as Array<Record<string, unknown>>)[0]).toMatchObject({ owner, public: false });
  });

  it.each(['chatgroups', 'chatrooms'])('%s admin calls (§17): add, list, demote; non-members and non-admins refused; a kick ends the role', async (resource) => {
    const [owner, member, outsider] = [uid(), uid(), uid()];
    for (const name of [owner, member, outsider]) await call('POST', '/users', { body: { username: name, password: 'p' } });
    const created = await call('POST', `/${resource}`, { body: { groupname: 'g', name: 'r', description: 'r', owner, members: [member] } });
    const id = Object.values(created.body.data as Record<string, string>)[0]!;
    expect((await call('POST', `/${resource}/${id}/admin`, { body: { newadmin: member } })).body).toMatchObject({ data: { result: 'success', newadmin: member } });
    expect((await call('GET', `/${resource}/${id}/admin`)).body).toMatchObject({ data: [member], count: 1 });
    // The member list still shows an admin as a plain member.
    expect((await call('GET', `/${resource}/${id}/users`)).body.data).toEqual([{ owner }, { member }]);
    const kind = resource === 'chatgroups' ? 'group' : 'chatroom';
    expect(await call('POST', `/${resource}/${id}/admin`, { body: { newadmin: outsider } })).toMatchObject({
      status: 404,
      body: { error: 'resource_not_found', error_description: `user: ${outsider} doesn't exist in ${kind}: ${id}` },
    });
    expect(await call('POST', `/${resource}/${id}/admin`, { body: { admin: member } })).toMatchObject({ status: 400, body: { error: 'invalid_parameter' } });
    expect((await call('DELETE', `/${resource}/${id}/admin/${member}`)).body).toMatchObject({ data: { result: 'success', oldadmin: member } });
    expect(await call('DELETE', `/${resource}/${id}/admin/${member}`)).toMatchObject({ status: 403, body: { error: 'forbidden_op', error_description: `user:${member} is not admin of ${kind}:${id}` } });
    await call('POST', `/${resource}/${id}/admin`, { body: { newadmin: member } });
    await call('DELETE', `/${resource}/${id}/users/${member}`);
    expect((await call('GET', `/${resource}/${id}/admin`)).body).toMatchObject({ data: [], count: 0 });
  });

  it('refuses a group batch add of members only (403 forbidden_op), leaves members out of a mixed one; chat rooms never refuse', async () => {
    const [owner, member, newcomer] = [uid(), uid(), uid()];
    for (const name of [owner, member, newcomer]) await call('POST', '/users', { body: { username: name, password: 'p' } });
    const group = await call('POST', '/chatgroups', { body: { groupname: 'g', public: false, owner, members: [member] } });
    const groupId = (group.body.data as Record<string, string>).groupid!;
    expect(await call('POST', `/chatgroups/${groupId}/users`, { body: { usernames: [member, owner] } })).toMatchObject({
      status: 403,
      body: { error: 'forbidden_op', error_description: `can not join this group, reason:user: ${member} already in group: ${groupId}\n` },
    });
    expect((await call('POST', `/chatgroups/${groupId}/users`, { body: { usernames: [member, newcomer] } })).body).toMatchObject({ data: { newmembers: [newcomer] } });
    const room = await call('POST', '/chatrooms', { body: { name: 'r', description: 'r', owner, members: [member] } });
    const roomId = (room.body.data as Record<string, string>).id!;
    expect((await call('POST', `/chatrooms/${roomId}/users`, { body: { usernames: [member] } })).body).toMatchObject({ data: { newmembers: [] } });
  });

  it('caps batches at 60 and answers single vs batch block removal as object vs array', async () => {
    const owner = uid();
    await call('POST', '/users', { body: { username: owner, password: 'p' } });
    const room = await call('POST', '/chatrooms', { body: { name: 'r', description: 'r', owner } });
    const roomId = (room.body.data as Record<string, string>).id!;
    const tooMany = Array.from({ length: 61 }, (_value, index) => `x${index}`);
    const capped = await call('POST', `/chatrooms/${roomId}/mute`, { body: { usernames: tooMany, mute_duration: -1 } });
    expect(capped).toMatchObject({ status: 400, body: { error: 'invalid_parameter', error_description: 'userNames size is more than max limit : 60' } });
    const single = await call('DELETE', `/chatrooms/${roomId}/blocks/users/a`);
    const batch = await call('DELETE', `/chatrooms/${roomId}/blocks/users/a%2Cb`);
    expect(Array.isArray(single.body.data)).toBe(false);
    expect(Array.isArray(batch.body.data)).toBe(true);
  });

  it('answers mute-all with action "put" and the mute list with action "post"', async () => {
    const owner = uid();
    await call('POST', '/users', { body: { username: owner, password: 'p' } });
    const group = await call('POST', '/chatgroups', { body: { groupname: 'g', public: true, owner } });
    const groupId = (group.body.data as Record<string, string>).groupid!;
    expect((await call('POST', `/chatgroups/${groupId}/ban`)).body).toMatchObject({ action: 'put', data: { mute: true } });
    expect((await call('DELETE', `/chatgroups/${groupId}/ban`)).body).toMatchObject({ action: 'put', data: { mute: false } });
    expect((await call('GET', `/chatgroups/${groupId}/mute`)).body).toMatchObject({ action: 'post', data: [] });
  });

  it('deletes a conversation with DELETE-with-body user_channel and checks the field names', async () => {
    const name = uid();
    await call('POST', '/users', { body: { username: name, password: 'p' } });
    const wrongField = await call('DELETE', `/users/${name}/user_channel`, { body: { channel_id: 'x', type: 'chat', delete_roam: true } });
    expect(wrongField).toMatchObject({ status: 400, body: { error: 'illegal_argument', error_description: 'field channel cannot be null or empty' } });
    const right = await call('DELETE', `/users/${name}/user_channel`, { body: { channel: 'x', type: 'chat', delete_roam: true } });
    expect(right).toMatchObject({ status: 200, body: { data: { result: 'ok' } } });
  });
});
