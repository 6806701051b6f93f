/** Replays the scenario against a target and normalizes what is generated: ids and timestamps, nothing else. */
import type { OpenImAnswer, Target } from './harness.js';
import { adminToken } from './harness.js';
import type { Step } from './scenario.js';

/** Keys whose values are times (ms or s); a non-zero time becomes `<time>`, 0 ("none") stays 0. */
const TIME_KEYS = new Set(['createTime', 'joinTime', 'handleTime', 'sendTime', 'LatestMsgRecvTime', 'muteEndTime']);
/** Keys whose values are generated ids; a non-empty one becomes `<id>`. */
const ID_KEYS = new Set(['serverMsgID', 'clientMsgID', 'token']);

export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (TIME_KEYS.has(key) && typeof inner === 'number' && inner !== 0) return [key, '<time>'];
      if (ID_KEYS.has(key) && typeof inner === 'string' && inner !== '') return [key, '<id>'];
      return [key, normalize(inner)];
    }),
  );
}

export interface Replayed {
  step: Step;
  answer: OpenImAnswer;
  normalized: { status: number; body: unknown };
}

export async function replay(target: Target, steps: Step[]): Promise<Replayed[]> {
  const token = await adminToken(target);
  const results: Replayed[] = [];
  let operation = 0;
  for (const step of steps) {
    operation += 1;
    const auth = step.auth ?? 'admin';
    const headers: Record<string, string> =
      auth === 'admin' ? { operationID: `op-${operation}`, token } : auth === 'none' ? {} : { ...(auth.operationID ? { operationID: auth.operationID } : {}), ...(auth.token ? { token: auth.token } : {}) };
    const answer = await target.call(step.path, step.body, headers);
    results.push({ step, answer, normalized: { status: answer.status, body: normalize(answer.body) } });
  }
  return results;
}
