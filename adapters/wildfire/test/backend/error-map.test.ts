/**
 * The vendor-error → unified-error map, table-driven: every code of ErrorCode.java (vendor note §3)
 * answered by the fake (through its fault hook) on a real route, and the route-dependent codes on
 * the routes that give them their meaning. Also: no secret or signature in errors or logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorBody, type ErrorCode, type ImBridgeError } from '../../../../src/spec/index.js';
import { ERROR_TABLE } from '../../backend/errors.js';
import { rid, setup, users, type Harness } from './harness.js';

async function failure(promise: Promise<unknown>): Promise<ImBridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as ImBridgeError;
  }
  throw new Error('expected a failure');
}

/** Expected unified code of each Wildfire code on a route without special meaning (blacklist/list). */
const EXPECTED: Array<[number, ErrorCode]> = [
  [1, 'UPSTREAM_AUTH'], [2, 'INVALID_ARGUMENT'], [3, 'UPSTREAM_UNAVAILABLE'], [4, 'UPSTREAM_ERROR'], [5, 'UPSTREAM_ERROR'],
  [6, 'UPSTREAM_AUTH'], [7, 'UPSTREAM_AUTH'], [8, 'BLOCKED'], [9, 'NOT_MEMBER'], [10, 'INVALID_ARGUMENT'],
  [11, 'ALREADY_EXISTS'], [12, 'ALREADY_EXISTS'], [16, 'REQUEST_PENDING'], [18, 'BLOCKED'], [19, 'REQUEST_NOT_FOUND'],
  [20, 'NOT_MEMBER'], [21, 'NOT_MEMBER'], [22, 'UPSTREAM_ERROR'], [23, 'ALREADY_FRIENDS'], [24, 'INVALID_ARGUMENT'],
  [25, 'UPSTREAM_ERROR'], [26, 'UPSTREAM_ERROR'], [27, 'UPSTREAM_ERROR'], [28, 'UPSTREAM_ERROR'], [30, 'UPSTREAM_ERROR'],
  [60, 'UPSTREAM_ERROR'], [61, 'UPSTREAM_UNAVAILABLE'], [70, 'UPSTREAM_AUTH'], [81, 'UPSTREAM_ERROR'], [82, 'UPSTREAM_ERROR'],
  [83, 'UPSTREAM_ERROR'], [84, 'UPSTREAM_ERROR'], [85, 'UPSTREAM_ERROR'], [86, 'UPSTREAM_ERROR'], [87, 'UPSTREAM_ERROR'],
  [90, 'UPSTREAM_ERROR'], [220, 'UNSUPPORTED'], [225, 'UPSTREAM_ERROR'], [236, 'UPSTREAM_ERROR'], [237, 'UPSTREAM_ERROR'],
  [238, 'UPSTREAM_ERROR'], [239, 'UPSTREAM_AUTH'], [240, 'INVALID_ARGUMENT'], [241, 'MUTED'], [242, 'INVALID_ARGUMENT'],
  [243, 'UPSTREAM_AUTH'], [244, 'UPSTREAM_AUTH'], [245, 'BLOCKED'], [246, 'BLOCKED'], [247, 'MUTED'],
  [248, 'INVALID_ARGUMENT'], [249, 'UPSTREAM_UNAVAILABLE'], [250, 'RATE_LIMITED'], [251, 'INVALID_ARGUMENT'], [252, 'UPSTREAM_ERROR'],
  [253, 'NOT_FOUND'], [254, 'UNSUPPORTED'], [255, 'UPSTREAM_ERROR'], [99, 'UPSTREAM_ERROR'],
];

describe('wildfire error map', () => {
  let h: Harness;
  let a: string;
  beforeAll(async () => {
    h = await setup();
    [a] = (await users(h, 'a')) as [string];
  });
  afterAll(async () => h.close());

  it('the table covers every code of ErrorCode.java', () => {
    const listed = EXPECTED.map(([code]) => code).filter((code) => code !== 99);
    expect(Object.keys(ERROR_TABLE).map(Number).sort((x, y) => x - y)).toEqual(listed.sort((x, y) => x - y));
  });

  it.each(EXPECTED)('code %i → %s', async (code, unified) => {
    h.fake.control.clearFaults();
    // 250 is retried (idempotent call), so it must persist for every attempt to surface.
    h.fake.control.addFault({ route: 'POST /admin/blacklist/list', kind: 'status', status: 200, times: code === 250 ? 3 : 1, body: { code, msg: `vendor text ${code}` } });
    const error = await failure(h.backend.blocks.list(a, {}));
    expect(error.code).toBe(unified);
    expect(error.upstream).toEqual({ vendor: 'wildfire', status: 200, code: String(code), message: code === 250 ? 'over frequency' : `vendor text ${code}` });
    h.fake.control.clearFaults();
  });

  it.each<[string, number, string, () => Promise<unknown>, ErrorCode]>([
    ['user route', 253, 'not exist', () => h.backend.users.get(a), 'USER_NOT_FOUND'],
    ['group route', 253, 'not exist', () => h.backend.rooms.get({ kind: 'group', id: rid('g') }), 'GROUP_NOT_FOUND'],
    ['friend request, requests disabled', 248, 'no right to operate', async () => h.backend.friendRequests.send(a, (await users(h, 'b'))[0]!, null), 'UNSUPPORTED'],
    ['user create, name taken', 4, '用户名不能重复，必须唯一！！！', () => h.backend.users.put(rid(), { name: 'x' }), 'ALREADY_EXISTS'],
  ])('route-dependent: %s (%i) → %s', async (_label, code, msg, run, unified) => {
    h.fake.control.clearFaults();
    const route = code === 248 ? '/admin/friend/send_request' : code === 4 ? '/admin/user/create' : unified === 'USER_NOT_FOUND' ? '/admin/user/get_info' : '/admin/group/get_info';
    h.fake.control.addFault({ route: `POST ${route}`, kind: 'status', status: 200, body: { code, msg } });
    expect((await failure(run())).code).toBe(unified);
    h.fake.control.clearFaults();
  });

  it('a real 253 from member/get is NOT_MEMBER; a real name clash is ALREADY_EXISTS', async () => {
    const [o, x] = await users(h, 'o', 'x');
    const id = rid('g');
    await h.backend.rooms.create('group', { id, name: 'G', owner: o! });
    expect((await failure(h.backend.rooms.members.setRole({ kind: 'group', id }, x!, 'admin'))).code).toBe('NOT_MEMBER');
    // Another account already uses the name this adapter gives a new user (its uid).
    const victim = rid();
    h.fake.state.users.set('someone-else', { ...h.fake.state.users.get(o!)!, userId: 'someone-else', name: victim });
    expect((await failure(h.backend.users.put(victim, { name: 'V' }))).code).toBe('ALREADY_EXISTS');
  });

  it.each<[string, number, unknown, ErrorCode]>([
    ['HTTP 500 empty body (unimplemented path)', 500, undefined, 'UNSUPPORTED'],
    ['HTTP 500 with a Java exception', 500, 'java.lang.NullPointerException', 'UPSTREAM_ERROR'],
    ['HTTP 503 after retries', 503, undefined, 'UPSTREAM_UNAVAILABLE'],
    ['HTTP 404', 404, undefined, 'UPSTREAM_ERROR'],
    ['HTTP 200 that is not an envelope', 200, '<html>proxy</html>', 'UPSTREAM_ERROR'],
  ])('%s → %s', async (_label, status, body, unified) => {
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/blacklist/list', kind: 'status', status, times: 3, ...(body === undefined ? {} : { body }) });
    expect((await failure(h.backend.blocks.list(a, {}))).code).toBe(unified);
    h.fake.control.clearFaults();
  });

  it('a wrong secret is UPSTREAM_AUTH (244), and neither secret nor signature leaks into errors or logs', async () => {
    const wrong = await setup({ config: {} });
    const secret = wrong.fake.secret;
    try {
      // Point a backend with a different secret at the same fake.
      const bad = await setup({ config: { baseUrl: wrong.fake.url, secret: 'not-the-secret' } });
      try {
        const error = await failure(bad.backend.users.get(rid()));
        expect(error.code).toBe('UPSTREAM_AUTH');
        expect(error.upstream).toMatchObject({ code: '244', message: 'auth failure' });
        const signs = wrong.fake.control.requests.map((request) => String(request.headers.sign));
        expect(signs.length).toBeGreaterThan(0);
        const exposed = JSON.stringify({ body: toErrorBody(error), message: error.message, logs: bad.logs }) + (await bad.backend.health()).detail;
        for (const value of ['not-the-secret', secret, ...signs]) expect(exposed).not.toContain(value);
        expect((await bad.backend.health()).ok).toBe(false);
      } finally {
        await bad.close();
      }
    } finally {
      await wrong.close();
    }
  });

  it('a clock over 2 hours behind the server is UPSTREAM_AUTH (243, sign expired)', async () => {
    const skewed = await setup({ fake: { now: () => Date.now() + 3 * 3_600_000 } });
    try {
      const error = await failure(skewed.backend.users.get(rid()));
      expect(error.code).toBe('UPSTREAM_AUTH');
      expect(error.upstream?.code).toBe('243');
    } finally {
      await skewed.close();
    }
  });
});
