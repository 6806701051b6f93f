/**
 * Every vendor answer the note lists, mapped to its documented unified code (README "Error map").
 * WuKongIM answers all handler errors with HTTP 400, so the text decides (note §1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImBridgeError } from '../../../../src/spec/index.js';
import { ERROR_TABLE } from '../../backend/errors.js';
import { startHarness, uid, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function failureOf(fault: Parameters<Harness['fake']['control']['addFault']>[0]): Promise<ImBridgeError> {
  h.fake.control.clearFaults();
  h.fake.control.addFault(fault);
  try {
    await h.backend.users.get(uid());
  } catch (error) {
    h.fake.control.clearFaults();
    if (error instanceof ImBridgeError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('vendor 400 texts', () => {
  it.each(ERROR_TABLE.map((rule) => [rule.text, rule.prefix ? `${rule.text}: extra detail` : rule.text, rule.code] as const))(
    '%s → %s',
    async (_text, message, code) => {
      const error = await failureOf({ route: 'GET /channel/whitelist', kind: 'status', status: 400, body: { msg: message, status: 400 } });
      expect(error.code).toBe(code);
      expect(error.upstream).toEqual({ vendor: 'wukongim', status: 400, code: null, message });
    },
  );

  it('an unlisted 400 text (a raw storage error) is UPSTREAM_ERROR with the text kept', async () => {
    const error = await failureOf({ route: 'GET /channel/whitelist', kind: 'status', status: 400, body: { msg: 'pebble: closed', status: 400 } });
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.upstream?.message).toBe('pebble: closed');
  });
});

describe('other answers', () => {
  const cases: Array<[string, Parameters<Harness['fake']['control']['addFault']>[0], string]> = [
    ['401 with an empty body (wrong managerToken)', { route: 'GET /channel/whitelist', kind: 'status', status: 401 }, 'UPSTREAM_AUTH'],
    ['framework 404 (route missing on this version)', { route: 'GET /channel/whitelist', kind: 'status', status: 404, body: '404 page not found' }, 'UPSTREAM_ERROR'],
    ['500', { route: 'GET /channel/whitelist', kind: 'status', status: 500 }, 'UPSTREAM_ERROR'],
    ['503 on every attempt', { route: 'GET /channel/whitelist', kind: 'status', status: 503, times: 3 }, 'UPSTREAM_UNAVAILABLE'],
    ['429 on every attempt', { route: 'GET /channel/whitelist', kind: 'status', status: 429, headers: { 'retry-after': '0' }, times: 3 }, 'RATE_LIMITED'],
    ['connection dropped on every attempt', { route: 'GET /channel/whitelist', kind: 'drop', times: 3 }, 'UPSTREAM_UNAVAILABLE'],
    ['200 with a non-array body', { route: 'GET /channel/whitelist', kind: 'status', status: 200, body: { status: 200 } }, 'UPSTREAM_ERROR'],
  ];
  it.each(cases)('%s → %s', async (_name, fault, code) => {
    expect((await failureOf(fault)).code).toBe(code);
  });

  it('a 200 {"status":19} from a mutation is not taken for success', async () => {
    h.fake.control.addFault({ route: 'POST /channel/whitelist_add', kind: 'status', status: 200, body: { status: 19 } });
    try {
      await h.backend.users.put(uid(), {});
      expect.unreachable();
    } catch (error) {
      expect((error as ImBridgeError).code).toBe('UPSTREAM_ERROR');
      expect((error as ImBridgeError).upstream?.code).toBe('19');
    } finally {
      h.fake.control.clearFaults();
    }
  });
});

describe('secrets', () => {
  it('the manager token appears in no unified error and no log line', async () => {
    const token = h.fake.backendConfig.token as string;
    const wrong = await startHarness({}, {});
    const bad = await (await import('../../backend/index.js')).createBackend(
      { vendor: 'wukongim', baseUrl: wrong.fake.url, token: 'definitely-wrong-secret', timeoutMs: 500 },
      { name: 'bad', logger: wrong.backend['context'].logger, changes: { emit: () => {} }, now: () => Date.now() },
    );
    try {
      await bad.users.get('someone');
      expect.unreachable();
    } catch (error) {
      const body = JSON.stringify({ ...(error as ImBridgeError), message: (error as Error).message });
      expect((error as ImBridgeError).code).toBe('UPSTREAM_AUTH');
      expect(body).not.toContain('definitely-wrong-secret');
      expect(body).not.toContain(wrong.fake.backendConfig.token as string);
    }
    expect(await bad.health()).toMatchObject({ ok: false });
    expect(JSON.stringify(wrong.logs)).not.toContain('definitely-wrong-secret');
    expect(JSON.stringify(h.logs)).not.toContain(token);
    await bad.close();
    await wrong.close();
  });
});
