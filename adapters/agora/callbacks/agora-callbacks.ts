/**
 * Agora Chat's contact (roster) callbacks as unified changes. Agora signs each callback:
 * `security` is the MD5 of `callId + secret + timestamp` with the callback secret from the
 * console (`events.callbacks.<backend>.secret`); a callback without the right one is refused.
 * Callbacks of other kinds (messages, logins, groups) are acknowledged and dropped.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError, ImBridgeError } from '../../../src/spec/index.js';
import { sameSecret } from '../../../src/runtime/index.js';
import type { CallbackRequest, IngestedChange, VendorCallbacks } from '../../../src/vendor-kit/index.js';

/**
 * `from` is `{appkey}_{uid}@easemob.com` in Agora's callbacks (the platform is Easemob's); a bare
 * uid is taken as it is.
 */
function callbackUid(from: string, appkey: unknown): string {
  let uid = from.replace(/@easemob\.com$/, '');
  if (typeof appkey === 'string' && appkey !== '' && uid.startsWith(`${appkey}_`)) uid = uid.slice(appkey.length + 1);
  return uid;
}

/**
 * Roster operations (Easemob's callback page, NOTES.md "Callbacks"): `add` is a friend request a
 * client sent (no callback reports a REST contact add); `accept` reaches the user who accepted
 * (`to`) and `remote_accept` the requester for the same change, so only `accept` is taken;
 * likewise `decline` and not `remote_decline`; `remove` (client, REST or console) ends the
 * two-way contact; `ban` / `allow` add and remove a block-list entry.
 */
function rosterChanges(body: Record<string, unknown>): IngestedChange[] {
  const { to } = body;
  if (typeof body.from !== 'string' || body.from === '' || typeof to !== 'string' || to === '') throw new InvalidArgumentError('a roster callback names from and to');
  const from = callbackUid(body.from, body.appkey);
  if (from === '') throw new InvalidArgumentError('a roster callback names from and to');
  const operation = (body.payload as { operation?: unknown } | undefined)?.operation;
  const time = typeof body.timestamp === 'number' ? new Date(body.timestamp).toISOString() : undefined;
  const at = time === undefined ? {} : { time };
  switch (operation) {
    case 'add':
      return [{ type: 'friendRequest.added', target: { from, to }, actor: from, after: { from, to, status: 'pending' }, ...at }];
    case 'accept':
      // `to` accepted `from`'s request: Agora contacts are two-way, both lists now hold the other.
      return [{ type: 'friend.added', target: { uid: to, friend: from, mode: 'mutual' }, actor: to, after: { uid: to, friend: from }, ...at }];
    case 'decline':
      return [{ type: 'friendRequest.rejected', target: { from, to }, actor: to, after: { from, to, status: 'rejected' }, ...at }];
    case 'remove':
      return [{ type: 'friend.deleted', target: { uid: from, friend: to, mode: 'mutual' }, actor: from, after: null, ...at }];
    case 'ban':
      return [{ type: 'block.added', target: { uid: from, blocked: to }, actor: from, after: { uid: from, blocked: to }, ...at }];
    case 'allow':
      return [{ type: 'block.deleted', target: { uid: from, blocked: to }, actor: from, after: null, ...at }];
    default:
      return [];
  }
}

export const agoraCallbacks: VendorCallbacks = {
  read(request: CallbackRequest, credentials) {
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) throw new InvalidArgumentError('an Agora Chat callback body is a JSON object');
    const body = request.body as Record<string, unknown>;
    if (credentials.secret === undefined) throw new ImBridgeError('UNAUTHENTICATED', 'events.callbacks for this backend has no secret to check Agora signatures with');
    const expected = createHash('md5').update(`${String(body.callId)}${credentials.secret}${String(body.timestamp)}`).digest('hex');
    if (typeof body.security !== 'string' || !sameSecret(body.security, expected)) throw new ImBridgeError('UNAUTHENTICATED', 'the callback security signature does not match');
    const changes = body.chat_type === 'roster' ? rosterChanges(body) : [];
    return { changes, reply: { status: 200, body: {} } };
  },
};
