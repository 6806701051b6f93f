/**
 * The vendor-error → unified-error map (adapters/agora/errors.ts), table-driven over every answer
 * the vendor note lists (§2, §4–§14), plus the same answers end to end through the fake's fault
 * hook. Credentials and tokens never appear in unified errors or logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TABLE, findErrorRow, toUnifiedError, type ResourceHint } from '../../backend/errors.js';
import { ERROR_CODES, ImBridgeError, toErrorBody, type ErrorCode } from '../../../../src/spec/index.js';
import { startHarness, users, type Harness } from './harness.js';

type Sample = [status: number, error: string | null, description: string | null, hint: ResourceHint, code: ErrorCode];

const SAMPLES: Sample[] = [
  [400, 'json_parse', 'Unexpected character (\'}\' (code 125))', 'other', 'UPSTREAM_ERROR'],
  [400, 'illegal_argument', 'username Bad is not legal', 'user', 'INVALID_ID'],
  [400, 'illegal_argument', 'USERNAME_TOO_LONG', 'user', 'INVALID_ID'],
  [400, 'illegal_argument', 'password or pin must provided', 'user', 'INVALID_ARGUMENT'],
  [400, 'illegal_argument', 'This is an invalid request.', 'user', 'INVALID_ARGUMENT'],
  [400, 'illegal_argument', 'updateRemark they are not friends, please add as a friend first.', 'user', 'NOT_FRIENDS'],
  [400, 'illegal_argument', 'getContacts | page size more than max limit : 50', 'user', 'INVALID_ARGUMENT'],
  [400, 'illegal_argument', 'field channel cannot be null or empty', 'user', 'INVALID_ARGUMENT'],
  [400, 'invalid_parameter', 'usernames size is more than max limit : 60', 'room', 'UPSTREAM_ERROR'],
  [400, 'invalid_parameter', 'userNames size is more than max limit : 60', 'room', 'UPSTREAM_ERROR'],
  [400, 'invalid_parameter', 'removeWhitelist size is more than max limit : 60', 'room', 'UPSTREAM_ERROR'],
  [400, 'invalid_parameter', 'removeMute member size more than max limit : 60', 'room', 'UPSTREAM_ERROR'],
  [400, 'invalid_parameter', 'addMembers: addMembers number more than maxSize : 60', 'room', 'UPSTREAM_ERROR'],
  [400, 'invalid_parameter', 'kickMember: kickMembers number more than maxSize : 60', 'room', 'UPSTREAM_ERROR'],
  [400, 'invalid_parameter', 'owner must be provided', 'room', 'INVALID_ARGUMENT'],
  [400, 'invalid_parameter', 'group must contain public field!', 'room', 'INVALID_ARGUMENT'],
  [400, 'duplicate_unique_property_exists', 'Application X Entity user requires that property named username be unique, value of u exists', 'user', 'ALREADY_EXISTS'],
  [400, 'invalid_request_body', 'Request body is invalid. Please check body is correct.', 'user', 'UPSTREAM_ERROR'],
  [400, 'forbidden_op', 'users [u2] are not members of this group!', 'room', 'NOT_MEMBER'],
  [400, null, 'too many queries', 'other', 'RATE_LIMITED'],
  [400, 'some_new_code', 'a value the vendor refuses', 'other', 'INVALID_ARGUMENT'],
  [401, 'unauthorized', 'Unable to authenticate due to expired access token', 'user', 'UPSTREAM_AUTH'],
  [401, 'unauthorized', 'registration is not open, please contact the app admin', 'user', 'UPSTREAM_AUTH'],
  [401, 'auth_bad_access_token', 'Unable to authenticate due to corrupt access token', 'user', 'UPSTREAM_AUTH'],
  [401, 'auth_bad_access_token', 'Unable to authenticate', 'room', 'UPSTREAM_AUTH'],
  [403, 'forbidden_op', 'can not join this group, reason:user: u already in group: 1\n', 'room', 'ALREADY_EXISTS'],
  [403, 'forbidden_op', 'users [u2] are not members of this group!', 'room', 'NOT_MEMBER'],
  [403, 'forbidden_op', 'forbidden operation on group owner!', 'room', 'INVALID_ARGUMENT'],
  [403, 'forbidden_op', 'new owner and old owner are the same', 'room', 'INVALID_ARGUMENT'],
  [403, 'forbidden_op', 'user u has joined too many groups/chatroom!', 'room', 'UPSTREAM_ERROR'],
  [403, 'forbidden_op', 'user u is in the blacklist of group 1', 'room', 'BLOCKED'],
  [403, 'forbidden_op', 'something new', 'room', 'UPSTREAM_ERROR'],
  [403, 'exceed_limit', 'user contact number exceed limit', 'user', 'UPSTREAM_ERROR'],
  [403, 'exceed_limit', 'members size is greater than max user size !', 'room', 'UPSTREAM_ERROR'],
  [403, 'group_name_violation', 'group name violation', 'room', 'INVALID_ARGUMENT'],
  [403, 'message_send_error', 'message send reach limit', 'user', 'RATE_LIMITED'],
  [404, 'service_resource_not_found', 'Service resource not found', 'user', 'USER_NOT_FOUND'],
  [404, 'service_resource_not_found', 'do not find this group:1', 'room', 'GROUP_NOT_FOUND'],
  [404, 'service_resource_not_found', 'Service resource not found', 'room', 'GROUP_NOT_FOUND'],
  [404, 'resource_not_found', 'grpID 1 does not exist!', 'room', 'GROUP_NOT_FOUND'],
  [404, 'resource_not_found', "username u doesn't exist!", 'room', 'USER_NOT_FOUND'],
  [404, 'resource_not_found', "user: u doesn't exist in group: 1", 'room', 'NOT_MEMBER'],
  [403, 'forbidden_op', 'user:u is not admin of group:1', 'room', 'UPSTREAM_ERROR'],
  [404, 'organization_application_not_found', 'Could not find application for org/app from URI: org/app/token', 'user', 'UPSTREAM_AUTH'],
  [404, null, null, 'room', 'GROUP_NOT_FOUND'],
  [404, null, null, 'user', 'USER_NOT_FOUND'],
  [405, null, null, 'other', 'UPSTREAM_ERROR'],
  [408, null, null, 'other', 'UPSTREAM_UNAVAILABLE'],
  [413, null, null, 'other', 'UPSTREAM_ERROR'],
  [415, 'web_application', 'Unsupported Media Type', 'other', 'UPSTREAM_ERROR'],
  [429, 'reach_limit', 'This request has reached API limit.', 'other', 'RATE_LIMITED'],
  [429, 'resource_limited', 'You have exceeded the limit of the Free edition', 'user', 'UPSTREAM_ERROR'],
  [500, 'unsupported_service_operation', 'unsupported', 'other', 'UPSTREAM_ERROR'],
  [500, 'web_application', 'javax.ws.rs.WebApplicationException', 'other', 'UPSTREAM_ERROR'],
  [500, 'no_full_text_index', 'no index', 'other', 'UPSTREAM_ERROR'],
  [502, null, null, 'other', 'UPSTREAM_UNAVAILABLE'],
  [503, null, null, 'other', 'UPSTREAM_UNAVAILABLE'],
  [504, null, null, 'other', 'UPSTREAM_UNAVAILABLE'],
  [418, 'teapot', 'unknown answer', 'other', 'UPSTREAM_ERROR'],
];

describe('agora error map', () => {
  it.each(SAMPLES)('%i %s "%s" (%s) → %s', (status, error, description, hint, code) => {
    const unified = toUnifiedError({ status, error, description }, hint);
    expect(unified).toBeInstanceOf(ImBridgeError);
    expect(unified.code).toBe(code);
    expect(ERROR_CODES).toContain(unified.code);
    expect(unified.upstream).toEqual({ vendor: 'agora', status, code: error, message: description });
    if (code === 'RATE_LIMITED') expect(unified.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('has no row that none of the note\'s answers reaches', () => {
    const reached = new Set(SAMPLES.map(([status, error, description, hint]) => findErrorRow({ status, error, description }, hint)));
    const unreached = ERROR_TABLE.filter((row) => !reached.has(row));
    expect(unreached).toEqual([]);
  });

  it('maps the message-rate 403 as throttling with a minute\'s wait, not as a policy refusal', () => {
    const unified = toUnifiedError({ status: 403, error: 'message_send_error', description: 'message send reach limit' }, 'user');
    expect(unified.code).toBe('RATE_LIMITED');
    expect(unified.retryAfterSeconds).toBe(60);
  });
});

describe('agora error map, end to end through the fake', () => {
  let harness: Harness;
  const prefix = () => `/${harness.fake.credentials.orgName}/${harness.fake.credentials.appName}`;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('403 message_send_error on a send is RATE_LIMITED and is not retried', async () => {
    const [a, b] = await users(harness.backend, 2);
    const route = `POST ${prefix()}/messages/users`;
    harness.fake.control.addFault({
      route,
      kind: 'status',
      status: 403,
      body: { error: 'message_send_error', exception: 'EasemobForbiddenOpException', error_description: 'message send reach limit' },
    });
    harness.fake.control.clearRequests();
    await expect(harness.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(harness.fake.control.requestsTo(route)).toHaveLength(1);
    harness.fake.control.clearFaults();
  });

  it('a 401 that survives the token rebuild is UPSTREAM_AUTH, and neither it nor the logs carry a secret', async () => {
    const [a] = await users(harness.backend, 1);
    const route = `GET ${prefix()}/users/${a}`;
    harness.fake.control.addFault({ route, kind: 'status', status: 401, times: 2, body: { error: 'unauthorized', error_description: 'Unable to authenticate due to expired access token' } });
    harness.fake.control.clearRequests();
    const failure = await harness.backend.users.get(a!).catch((error: unknown) => error as ImBridgeError);
    expect(failure).toMatchObject({ code: 'UPSTREAM_AUTH' });
    const tokens = harness.fake.control.requestsTo(route).map((request) => String(request.headers.authorization).replace('Bearer ', ''));
    expect(tokens).toHaveLength(2);
    const exposed = JSON.stringify(toErrorBody(failure as ImBridgeError)) + (failure as Error).message + JSON.stringify(harness.logs);
    for (const secret of [harness.fake.credentials.appCertificate, ...tokens]) expect(exposed).not.toContain(secret);
    harness.fake.control.clearFaults();
  });

  it('the real fake answers map to the documented codes (room kinds, users, remark)', async () => {
    const [a, b] = await users(harness.backend, 2);
    await expect(harness.backend.friends.update(a!, b!, { alias: 'x' })).rejects.toMatchObject({ code: 'NOT_FRIENDS' });
    await expect(harness.backend.rooms.get({ kind: 'chatroom', id: '99999' })).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
    await expect(harness.backend.rooms.get({ kind: 'group', id: '99999' })).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
  });
});
