/**
 * OpenIM's after-hooks as unified changes. OpenIM signs nothing (its webhooks config has only a
 * URL), so the check is a token the operator puts in the configured URL (`?token=`), compared in
 * constant time. The answer is the reply OpenIM expects: `actionCode` 0, `nextCode` 0 (continue).
 */
import { InvalidArgumentError, ImBridgeError } from '../../../src/spec/index.js';
import { sameSecret } from '../../../src/runtime/index.js';
import type { CallbackRequest, IngestedChange, VendorCallbacks } from '../../../src/vendor-kit/index.js';

const REPLY = { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 };

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`the callback has no ${name}`);
  return value;
}

function changesOf(commandName: string, body: Record<string, unknown>): IngestedChange[] {
  switch (commandName) {
    case 'callbackAfterImportFriendsCommand': {
      const owner = text(body, 'ownerUserID');
      const friends = Array.isArray(body.friendUserIDs) ? body.friendUserIDs.filter((id): id is string => typeof id === 'string') : [];
      return friends.map((friend) => ({ type: 'friend.added', target: { uid: owner, friend, mode: 'mutual' }, actor: owner, after: { uid: owner, friend } }));
    }
    case 'callbackAfterAddFriendCommand': {
      const from = text(body, 'fromUserID');
      const to = text(body, 'toUserID');
      return [{ type: 'friendRequest.added', target: { from, to }, actor: from, after: { from, to, message: typeof body.reqMsg === 'string' ? body.reqMsg : null, status: 'pending' } }];
    }
    case 'callbackAfterAddFriendAgreeCommand': {
      const from = text(body, 'fromUserID');
      const to = text(body, 'blackUserID');
      if (body.HandleResult === 1) {
        return [
          { type: 'friend.added', target: { uid: to, friend: from, mode: 'mutual' }, actor: to, after: { uid: to, friend: from } },
          { type: 'friendRequest.accepted', target: { from, to }, actor: to, after: { from, to, status: 'accepted' } },
        ];
      }
      return [{ type: 'friendRequest.rejected', target: { from, to }, actor: to, after: { from, to, status: 'rejected' } }];
    }
    case 'callbackAfterDeleteFriendCommand': {
      const owner = text(body, 'ownerUserID');
      const friend = text(body, 'friendUserID');
      // OpenIM's delete removes the owner's entry only.
      return [{ type: 'friend.deleted', target: { uid: owner, friend, mode: 'one-way' }, actor: owner, after: null }];
    }
    case 'callbackAfterSetFriendRemarkCommand': {
      const owner = text(body, 'ownerUserID');
      const friend = text(body, 'friendUserID');
      return [{ type: 'friend.infoChanged', target: { uid: owner, friend }, actor: owner, after: { uid: owner, friend, alias: typeof body.remark === 'string' ? body.remark : null } }];
    }
    case 'callbackAfterRemoveBlackCommand': {
      const owner = text(body, 'ownerUserID');
      const blocked = text(body, 'blackUserID');
      return [{ type: 'block.deleted', target: { uid: owner, blocked }, actor: owner, after: null }];
    }
    default:
      // Hooks this reader does not turn into events (messages, groups) are acknowledged and dropped.
      return [];
  }
}

export const openImCallbacks: VendorCallbacks = {
  read(request: CallbackRequest, credentials) {
    if (credentials.token !== undefined && !sameSecret(request.query.token ?? '', credentials.token)) {
      throw new ImBridgeError('UNAUTHENTICATED', 'the callback URL does not carry the configured token');
    }
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) throw new InvalidArgumentError('an OpenIM callback body is a JSON object');
    const body = request.body as Record<string, unknown>;
    const commandName = typeof body.callbackCommand === 'string' ? body.callbackCommand : request.path.replace(/^\//, '') || (request.query.command ?? '');
    return { changes: changesOf(commandName, body), reply: { status: 200, body: REPLY } };
  },
};
