/**
 * Done-when 1: one scripted OpenIM scenario replayed against the OpenIM fake, `/compat/openim`
 * over the native backend, and `/compat/openim` over the Wildfire fake (pro) through its adapter.
 * Answers match in status, envelope and data once generated ids and timestamps are normalized;
 * each remaining difference is asserted as documented (documented-differences.ts, README).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeFacadeTarget, openImFakeTarget, randomSuffix, wildfireFacadeTarget, type Target } from './harness.js';
import { DIFFERENCES, type FacadeTarget } from './documented-differences.js';
import { replay, type Replayed } from './replay.js';
import { buildScenario, scenarioIds } from './scenario.js';

const steps = buildScenario(scenarioIds(randomSuffix()));
const DOCUMENTED = '<documented difference>';

/** Replaces the value at `path` (dot path, `*` = each item) by the marker, after checking it with `check` when given. */
function mask(value: unknown, path: string[], check?: (inner: unknown) => boolean, where = ''): unknown {
  if (path.length === 0) {
    if (check && !check(value)) throw new Error(`${where}: facade value ${JSON.stringify(value)} is not the documented one`);
    return DOCUMENTED;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    if (head === '*') return value.map((item, index) => mask(item, rest, check, `${where}.${index}`));
    return value.map((item, index) => (String(index) === head ? mask(item, rest, check, `${where}.${index}`) : item));
  }
  if (typeof value === 'object' && value !== null && head !== undefined && head in value) {
    return { ...value, [head]: mask((value as Record<string, unknown>)[head], rest, check, `${where}.${head}`) };
  }
  throw new Error(`${where}: no ${head} in ${JSON.stringify(value)}`);
}

function compareWithDocumented(reference: Replayed, facade: Replayed, target: FacadeTarget): void {
  let expected: unknown = reference.normalized;
  let actual: unknown = facade.normalized;
  for (const difference of DIFFERENCES.filter((entry) => entry.step === reference.step.name && entry.targets.includes(target))) {
    if (difference.paths === 'whole') {
      expect(difference.facade(facade.answer.body), `${reference.step.name}: ${difference.reason}; got ${facade.answer.text}`).toBe(true);
      expect(facade.answer.status).toBe(200);
      return;
    }
    for (const path of difference.paths) {
      expected = mask(expected, ['body', ...path.split('.')]);
      actual = mask(actual, ['body', ...path.split('.')], difference.facade, reference.step.name);
    }
  }
  expect(actual, reference.step.name).toEqual(expected);
}

describe('openim differential scenario', () => {
  let targets: Target[] = [];
  const runs = new Map<string, Replayed[]>();

  beforeAll(async () => {
    targets = [await openImFakeTarget(), await nativeFacadeTarget(), await wildfireFacadeTarget()];
    for (const target of targets) runs.set(target.name, await replay(target, steps));
  });
  afterAll(async () => {
    for (const target of targets) await target.close();
  });

  it('has at least 30 vendor-shaped calls, covering refusals of every kind', () => {
    expect(steps.length).toBeGreaterThanOrEqual(30);
    const reference = runs.get('openim fake')!;
    const codes = new Set(reference.map((entry) => (entry.answer.body as { errCode?: number }).errCode));
    for (const code of [0, 500, 1001, 1002, 1004, 1101, 1102, 1202, 1203, 1301, 1302, 1304, 1402, 1403, 1503, 1505]) expect(codes, `errCode ${code}`).toContain(code);
  });

  it('facade over the native backend answers like OpenIM', () => {
    const reference = runs.get('openim fake')!;
    const facade = runs.get('facade over native')!;
    reference.forEach((entry, index) => compareWithDocumented(entry, facade[index]!, 'native'));
  });

  it('facade over Wildfire (pro) answers like OpenIM, except where Wildfire lacks the capability', () => {
    const reference = runs.get('openim fake')!;
    const facade = runs.get('facade over wildfire(pro)')!;
    reference.forEach((entry, index) => compareWithDocumented(entry, facade[index]!, 'wildfire'));
  });

  it('every documented difference names a scenario step', () => {
    const names = new Set(steps.map((step) => step.name));
    for (const difference of DIFFERENCES) expect(names, difference.step).toContain(difference.step);
  });
});
