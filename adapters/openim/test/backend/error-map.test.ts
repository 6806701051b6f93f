/**
 * Every vendor error the note lists maps to one documented unified code (table-driven over
 * errors.ts), and the mapping holds end to end: the fake answers the vendor envelope, the
 * Backend throws the unified error, with no secret or token in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, ImBridgeError, PolicyError, toErrorBody, type ErrorCode } from '../../../../src/spec/index.js';
import { ERROR_TABLE, toUnifiedError } from '../../backend/errors.js';
import { rid, seedUsers, startHarness, type Harness } from './harness.js';

/** errCode (note §4, plus the Chat server's 20013 of §11) → expected unified code. */
const EXPECTED: Array<[number, ErrorCode]> = [
  [500, 'UPSTREAM_ERROR'],
  [1001, 'INVALID_ARGUMENT'],
  [1002, 'UPSTREAM_AUTH'],
  [1003, 'ALREADY_EXISTS'],
  [1004, 'NOT_FOUND'],
  [1101, 'USER_NOT_FOUND'],
  [1102, 'ALREADY_EXISTS'],
  [1201, 'GROUP_NOT_FOUND'],
  [1202, 'ALREADY_EXISTS'],
  [1203, 'NOT_MEMBER'],
  [1204, 'GROUP_NOT_FOUND'],
  [1301, 'INVALID_ARGUMENT'],
  [1302, 'BLOCKED'],
  [1303, 'NOT_FRIENDS'],
  [1304, 'ALREADY_FRIENDS'],
  [1305, 'REQUEST_NOT_FOUND'],
  [1401, 'UPSTREAM_ERROR'],
  [1402, 'MUTED'],
  [1403, 'MUTED'],
  [1404, 'UPSTREAM_ERROR'],
  [1501, 'UPSTREAM_AUTH'],
  [1502, 'UPSTREAM_AUTH'],
  [1503, 'UPSTREAM_AUTH'],
  [1504, 'UPSTREAM_AUTH'],
  [1505, 'UPSTREAM_AUTH'],
  [1506, 'UPSTREAM_AUTH'],
  [1507, 'UPSTREAM_AUTH'],
  [20013, 'BLOCKED'],
  [90002, 'UPSTREAM_UNAVAILABLE'],
  [90004, 'UPSTREAM_UNAVAILABLE'],
  [90007, 'UPSTREAM_ERROR'],
  [4242, 'UPSTREAM_ERROR'],
];

describe('the error table', () => {
  it('covers exactly the listed codes', () => {
    expect(Object.keys(ERROR_TABLE).map(Number).sort((a, b) => a - b)).toEqual(EXPECTED.map(([code]) => code).filter((code) => code !== 4242));
  });

  it.each(EXPECTED)('errCode %i → %s, upstream kept, secrets scrubbed', (errCode, unified) => {
    const error = toUnifiedError('/x', errCode, 'SomeName', 'detail with s3cret-value inside', (text) => text.split('s3cret-value').join('***'));
    expect(error).toBeInstanceOf(ImBridgeError);
    expect(ERROR_CODES).toContain(error.code);
    expect(error.code).toBe(unified);
    expect(error.upstream).toEqual({ vendor: 'openim', status: 200, code: String(errCode), message: 'SomeName: detail with *** inside' });
    expect(JSON.stringify(toErrorBody(error))).not.toContain('s3cret-value');
    if (['BLOCKED', 'NOT_FRIENDS', 'MUTED', 'NOT_MEMBER'].includes(unified)) expect(error).toBeInstanceOf(PolicyError);
    expect(error.retryable).toBe(unified === 'UPSTREAM_UNAVAILABLE');
  });
});

describe('send refusals end to end (vendor envelope → unified 403)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ secret: 'fake-secret-xyz' });
  });
  afterAll(async () => harness.close());

  it.each([
    [1302, 'BlockedByPeer', 'BLOCKED', 'user'],
    [1303, 'NotPeersFriend', 'NOT_FRIENDS', 'user'],
    [1203, 'NotInGroupYetError', 'NOT_MEMBER', 'group'],
    [1402, 'MutedInGroup', 'MUTED', 'group'],
    [1403, 'MutedGroup', 'MUTED', 'group'],
    [1204, 'DismissedAlreadyError', 'GROUP_NOT_FOUND', 'group'],
  ] as const)('%i %s → %s', async (errCode, errMsg, unified, peerType) => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    const to = { type: peerType, id: b } as const;
    if (peerType === 'group') await backend.rooms.create('group', { id: b, name: 'g', owner: a });
    fake.control.addFault({ route: 'POST /msg/send_msg', kind: 'status', status: 200, body: { errCode, errMsg, errDlt: `token ${'fake-secret-xyz'} leaked?` } });
    const error = await backend.messages.send({ from: a, to, text: 'hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImBridgeError);
    expect((error as ImBridgeError).code).toBe(unified);
    expect((error as ImBridgeError).upstream?.code).toBe(String(errCode));
    expect(JSON.stringify(toErrorBody(error as ImBridgeError))).not.toContain('fake-secret-xyz');
  });

  it('the vendor\'s own refusal comes through unchanged (1302 from the fake\'s gate)', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.blocks.put(b, a);
    const error = (await backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'x' }).catch((caught: unknown) => caught)) as ImBridgeError;
    expect(error.code).toBe('BLOCKED');
    expect(error.upstream).toEqual({ vendor: 'openim', status: 200, code: '1302', message: 'BlockedByPeer: BlockedByPeer' });
  });

  it('an answer outside the envelope: 404 plain text → UPSTREAM_ERROR, 503 → UPSTREAM_UNAVAILABLE', async () => {
    const { backend, fake } = harness;
    const a = rid();
    seedUsers(fake, a);
    fake.control.addFault({ route: 'POST /user/get_users_info', kind: 'status', status: 404, body: '404 page not found' });
    expect(await backend.users.get(a).catch((error: ImBridgeError) => error.code)).toBe('UPSTREAM_ERROR');
    fake.control.addFault({ route: 'POST /msg/send_msg', kind: 'status', status: 503, body: 'busy' });
    expect(await backend.messages.send({ from: a, to: { type: 'user', id: 'imAdmin' }, text: 'x' }).catch((error: ImBridgeError) => error.code)).toBe('UPSTREAM_UNAVAILABLE');
  });
});
