/**
 * Wildfire's user-relation event callback as unified changes. Wildfire signs its event
 * callbacks with nothing (its docs name no header or secret), so the check is a token the
 * operator puts in the configured callback URL (`?token=`), compared in constant time.
 */
import { InvalidArgumentError, ImBridgeError } from '../../../src/spec/index.js';
import { sameSecret } from '../../../src/runtime/index.js';
import type { CallbackRequest, IngestedChange, VendorCallbacks } from '../../../src/vendor-kit/index.js';

function relationChanges(body: Record<string, unknown>): IngestedChange[] {
  const uid = body.userId;
  const other = body.targetId;
  if (typeof uid !== 'string' || uid === '' || typeof other !== 'string' || other === '') throw new InvalidArgumentError('a relation callback names userId and targetId');
  const on = String(body.value) === '1';
  switch (Number(body.type)) {
    case 0:
      // friend/status 0 sets both rows: the friendship is mutual.
      return [on ? { type: 'friend.added', target: { uid, friend: other, mode: 'mutual' }, actor: uid, after: { uid, friend: other } } : { type: 'friend.deleted', target: { uid, friend: other, mode: 'mutual' }, actor: uid, after: null }];
    case 1:
      return [{ type: 'friend.infoChanged', target: { uid, friend: other }, actor: uid, after: { uid, friend: other, alias: typeof body.value === 'string' ? body.value : null } }];
    case 2:
      return [on ? { type: 'block.added', target: { uid, blocked: other }, actor: uid, after: { uid, blocked: other } } : { type: 'block.deleted', target: { uid, blocked: other }, actor: uid, after: null }];
    default:
      throw new InvalidArgumentError(`relation callback type ${String(body.type)} is not 0, 1 or 2`);
  }
}

export const wildfireCallbacks: VendorCallbacks = {
  read(request: CallbackRequest, credentials) {
    if (credentials.token !== undefined && !sameSecret(request.query.token ?? '', credentials.token)) {
      throw new ImBridgeError('UNAUTHENTICATED', 'the callback URL does not carry the configured token');
    }
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) throw new InvalidArgumentError('a Wildfire callback body is a JSON object');
    const body = request.body as Record<string, unknown>;
    // Only the relation callback carries targetId; the others (messages, presence, groups) are acknowledged and dropped.
    const changes = 'targetId' in body && 'type' in body ? relationChanges(body) : [];
    return { changes, reply: { status: 200, body: {} } };
  },
};
