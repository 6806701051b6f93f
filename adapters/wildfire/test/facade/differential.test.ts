/**
 * Done-when 1 for Wildfire: one scripted scenario replayed against (1) the Wildfire fake itself,
 * (2) `/compat/wildfire` over the native backend and (3) `/compat/wildfire` over the OpenIM fake
 * through the OpenIM adapter. Status and body must match after replacing generated ids and clock
 * readings (updateDt, createDt, timestamp, messageUid) — nothing else. Where OpenIM lacks a
 * capability the step states the expected difference and its reason (README "Differences").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize, scenario, type Ids, type Normalized, type Step } from './scenario.js';
import { rid, startDirectFake, startFacade, wildfireCall, type Edition, type WildfireTarget, type WireAnswer } from './harness.js';

const TWO_POW_53 = 2n ** 53n;
/** Routes only Wildfire's pro edition has: on community every target answers them with HTTP 500. */
const PRO_PATHS = new Set(['/admin/group/manager/mute', '/admin/group/manager/allow', '/admin/conversation/delete']);

async function replay(target: WildfireTarget, steps: Step[]): Promise<WireAnswer[]> {
  const answers: WireAnswer[] = [];
  for (const step of steps) {
    answers.push(
      await wildfireCall(target.url, step.path, step.body, {
        secret: target.secret,
        ...(step.headers ? { headers: step.headers(target.secret) } : {}),
        ...(step.method ? { method: step.method } : {}),
      }),
    );
  }
  return answers;
}

function freshIds(): Ids {
  // Prefixes keep creation order = id order (lists are compared in order); `_`, not `-`, which OpenIM refuses.
  const suffix = rid('s').replace('-', '_');
  return { a: `a${suffix}`, b: `b${suffix}`, c: `c${suffix}`, d: `d${suffix}`, unknown: `z${suffix}`, group: `g${suffix}` };
}

describe.each(['pro', 'community'] as const)('wildfire differential scenario (%s edition)', (edition: Edition) => {
  const steps = scenario(freshIds());
  const results = new Map<string, WireAnswer[]>();
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const fake = await startDirectFake(edition);
    const native = await startFacade({ edition, data: 'native' });
    const openim = await startFacade({ edition, data: 'openim' });
    closers.push(fake.close, native.close, openim.close);
    // Sequential: the three targets share two CPUs with other test runs.
    results.set('fake', await replay(fake, steps));
    results.set('native', await replay(native, steps));
    results.set('openim', await replay(openim, steps));
  }, 60_000);

  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('has at least 30 vendor-shaped calls', () => {
    expect(steps.length).toBeGreaterThanOrEqual(30);
  });

  it('writes messageUid above 2^53 exactly on every target', () => {
    for (const name of ['fake', 'native', 'openim']) {
      const sends = results.get(name)!.filter((answer, index) => steps[index]!.path === '/admin/message/send' && answer.status === 200 && (answer.json as { code: number }).code === 0);
      expect(sends.length, name).toBe(2);
      for (const answer of sends) {
        const uid = (answer.json as { result: { messageUid: unknown } }).result.messageUid;
        expect(typeof uid, name).toBe('bigint');
        expect(uid as bigint > TWO_POW_53, name).toBe(true);
        expect(answer.text, name).toContain(`"messageUid":${String(uid)}`);
      }
    }
  });

  it('answers with the envelope content type and the server headers', () => {
    for (const name of ['native', 'openim']) {
      results.get(name)!.forEach((answer, index) => {
        const fake = results.get('fake')![index]!;
        if (fake.status === 200 && !(name === 'openim' && steps[index]!.openim)) expect(answer.contentType, `${name}: ${steps[index]!.label}`).toBe(fake.contentType);
      });
    }
  });

  for (const [name, label] of [
    ['native', 'the facade over the native backend'],
    ['openim', 'the facade over OpenIM'],
  ] as const) {
    it(`${label} answers every step as the Wildfire fake does`, () => {
      const fakeAnswers = results.get('fake')!;
      const mismatches: string[] = [];
      steps.forEach((step, index) => {
        const fake = normalize(fakeAnswers[index]!);
        let expected: Normalized = step.facade ? step.facade.expect(fake) : fake;
        // On community the pro routes answer 500 everywhere, so OpenIM's missing pro capabilities show only on pro.
        if (name === 'openim' && step.openim && (edition === 'pro' || !PRO_PATHS.has(step.path))) expected = step.openim.expect(fake);
        const actual = normalize(results.get(name)![index]!);
        try {
          expect(actual).toEqual(expected);
        } catch {
          mismatches.push(`#${index} ${step.label}: expected ${JSON.stringify(expected, bigintText)} got ${JSON.stringify(actual, bigintText)}`);
        }
      });
      expect(mismatches).toEqual([]);
    });
  }
});

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
