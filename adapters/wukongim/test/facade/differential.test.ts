/**
 * Done-when 1 (issue 7): one scripted WuKongIM session replayed against (1) the WuKongIM fake,
 * (2) `/compat/wukongim` on the native backend (memory store) and (3) `/compat/wukongim` on the
 * OpenIM fake through the OpenIM adapter. Answers must match in status, envelope and data; the
 * only normalizations are generated ids and timestamps (listed in `normalize`). Where (3) cannot
 * match, the step names the documented difference and its own answer is asserted instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, nativeFacadeTarget, openImFacadeTarget, randomSuffix, wukongimFakeTarget, type VendorAnswer, type VendorTarget } from './harness.js';
import { scenario, usersFor, type ScenarioStep } from './scenario.js';

/** Generated values: times (`created_at`, `updated_at`, sync `timestamp`/`version`) and `message_id`. */
const TIME_KEYS = new Set(['created_at', 'updated_at', 'timestamp', 'version']);
const ID_KEYS = new Set(['message_id']);

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => [key, TIME_KEYS.has(key) ? '<time>' : ID_KEYS.has(key) ? '<id>' : normalize(entry)]),
    );
  }
  return typeof value === 'bigint' ? `${value}n` : value;
}

/** The fields of a sync item a unified conversation carries (README, difference 1). */
const SYNC_FIELDS = ['channel_id', 'channel_type', 'unread', 'timestamp', 'version'];

function comparable(step: ScenarioStep, answer: VendorAnswer): unknown {
  let body = answer.body;
  if (step.sync && Array.isArray(body)) {
    body = body.map((item) => Object.fromEntries(SYNC_FIELDS.map((field) => [field, (item as Record<string, unknown>)[field]])));
  }
  return { status: answer.status, body: normalize(body) };
}

describe('WuKongIM facade: differential replay', () => {
  const targets: VendorTarget[] = [];
  const answers = new Map<string, VendorAnswer[]>();
  const steps = scenario(usersFor(randomSuffix()));

  beforeAll(async () => {
    const [fake, native, openIm] = await Promise.all([wukongimFakeTarget(), nativeFacadeTarget(), openImFacadeTarget()]);
    targets.push(fake, native, openIm);
    for (const target of targets) {
      const recorded: VendorAnswer[] = [];
      for (const step of steps) recorded.push(await call(target, step));
      answers.set(target.name, recorded);
    }
  });

  afterAll(async () => {
    await Promise.all(targets.map((target) => target.close()));
  });

  it('the scenario has at least 30 vendor-shaped calls, bad input and auth failures included', () => {
    expect(steps.length).toBeGreaterThanOrEqual(30);
    expect(steps.filter((step) => step.auth !== undefined).length).toBeGreaterThanOrEqual(2);
  });

  it('the fake answers the scenario as WuKongIM does (sanity of the script)', () => {
    const fake = answers.get('wukongim fake')!;
    const byName = (name: string) => fake[steps.findIndex((step) => step.name === name)]!;
    expect(byName('alice whitelists bob (one-way friend entry)').body).toEqual({ status: 200 });
    expect(byName('whitelist_add with empty uids')).toMatchObject({ status: 400, body: { msg: 'uids不能为空！', status: 400 } });
    expect(byName('wrong token')).toMatchObject({ status: 401, text: '' });
    expect(byName('bob whitelist is still empty').body).toEqual([]);
  });

  it('the facade on the native backend answers every call like the WuKongIM fake', () => {
    const fake = answers.get('wukongim fake')!;
    const native = answers.get('facade on native')!;
    steps.forEach((step, index) => {
      expect(comparable(step, native[index]!), step.name).toEqual(comparable(step, fake[index]!));
    });
  });

  it('the facade on the OpenIM fake answers like the WuKongIM fake, except the documented differences', () => {
    const fake = answers.get('wukongim fake')!;
    const openIm = answers.get('facade on OpenIM')!;
    steps.forEach((step, index) => {
      const answer = openIm[index]!;
      const difference = step.openIm;
      if (!difference) {
        expect(comparable(step, answer), step.name).toEqual(comparable(step, fake[index]!));
        return;
      }
      expect(answer.status, `${step.name}: ${difference.reason}`).toBe(difference.status);
      if (difference.status === 400) expect((answer.body as { status?: unknown }).status, step.name).toBe(400);
      if (difference.msgIncludes !== undefined) expect(String((answer.body as { msg?: unknown }).msg), step.name).toContain(difference.msgIncludes);
      if (difference.body !== undefined) expect(answer.body, step.name).toEqual(difference.body);
      if (difference.listsChannel !== undefined) {
        expect((answer.body as Array<{ channel_id: string }>).map((item) => item.channel_id), step.name).toContain(difference.listsChannel);
      }
    });
  });

  it('sync items carry the fields the unified conversation has; the rest is the documented placeholder', () => {
    const native = answers.get('facade on native')!;
    const index = steps.findIndex((step) => step.name === 'carol syncs');
    const items = native[index]!.body as Array<Record<string, unknown>>;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item).toMatchObject({ last_msg_seq: 0, last_client_msg_no: '', offset_msg_seq: 0, readed_to_msg_seq: 0, recents: [] });
    }
  });

  it('whitelist member ids above 2^53 are exact, the same number as on the vendor', () => {
    const fake = answers.get('wukongim fake')!;
    const native = answers.get('facade on native')!;
    const index = steps.findIndex((step) => step.name === 'alice whitelist lists bob');
    const ids = (answer: VendorAnswer) => (answer.body as Array<{ id: unknown }>).map((row) => row.id);
    expect(ids(native[index]!)).toEqual(ids(fake[index]!));
    const [id] = ids(fake[index]!);
    // Above 2^53 the parser returns a bigint; the raw text holds the same digits.
    if (typeof id === 'bigint') expect(native[index]!.text).toContain(`"id":${id.toString()}`);
    expect(typeof id === 'bigint' || Number.isSafeInteger(id)).toBe(true);
  });
});
