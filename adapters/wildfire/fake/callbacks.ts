/**
 * Wildfire's "user relation changed" event callback (NOTES.md, "Event callbacks"): a JSON body
 * `{userId, targetId, type, value}` POSTed to the configured URL, type 0 = friendship ("1"
 * friends, "0" not), 1 = alias (value = the alias), 2 = blacklist ("1" blocked, "0" not). The
 * fake sends one per successful admin call that changes a relation, for the calling row.
 */
import type { AnsweredRequest, OutgoingCallback } from '../../../src/testing/index.js';

export function wildfireCallbacks(answered: AnsweredRequest): OutgoingCallback[] {
  const answer = answered.answer as { code?: unknown } | undefined;
  if (answered.method !== 'POST' || Number(answer?.code) !== 0) return [];
  const body = (answered.body ?? {}) as Record<string, unknown>;
  switch (answered.path) {
    case '/admin/friend/status':
      return [{ body: { userId: body.userId, targetId: body.friendUid, type: 0, value: Number(body.status) === 0 ? '1' : '0' } }];
    case '/admin/friend/set_alias':
      return [{ body: { userId: body.operator, targetId: body.targetId, type: 1, value: body.alias ?? '' } }];
    case '/admin/blacklist/status':
      return [{ body: { userId: body.userId, targetId: body.targetUid, type: 2, value: Number(body.status) === 2 ? '1' : '0' } }];
    default:
      return [];
  }
}
