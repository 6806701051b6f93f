/**
 * The after-hooks OpenIM sends for relationship changes (NOTES.md, "Webhooks"): `POST
 * {url}/{callbackCommand}` with an `operationID` header and the command in the body too. The
 * fake sends them for its own successful calls, as the server does for REST and SDK calls alike.
 * OpenIM has no after-hook for adding a blacklist entry (only a before-hook), so neither has the fake.
 */
import { randomUUID } from 'node:crypto';
import type { AnsweredRequest, OutgoingCallback } from '../../../src/testing/index.js';

function command(name: string, body: Record<string, unknown>): OutgoingCallback {
  return { path: `/${name}`, headers: { operationID: randomUUID() }, body: { callbackCommand: name, ...body } };
}

export function openImCallbacks(answered: AnsweredRequest): OutgoingCallback[] {
  const answer = answered.answer as { errCode?: unknown } | undefined;
  if (answered.method !== 'POST' || answer?.errCode !== 0) return [];
  const body = (answered.body ?? {}) as Record<string, unknown>;
  switch (answered.path) {
    case '/friend/import_friend':
      return [command('callbackAfterImportFriendsCommand', { ownerUserID: body.ownerUserID, friendUserIDs: body.friendUserIDs })];
    case '/friend/add_friend':
      return [command('callbackAfterAddFriendCommand', { fromUserID: body.fromUserID, toUserID: body.toUserID, reqMsg: body.reqMsg ?? '' })];
    case '/friend/add_friend_response':
      // The server's struct spells the responder's key `blackUserID` (NOTES.md).
      return [command('callbackAfterAddFriendAgreeCommand', { fromUserID: body.fromUserID, blackUserID: body.toUserID, HandleResult: body.handleResult, HandleMsg: body.handleMsg ?? '' })];
    case '/friend/delete_friend':
      return [command('callbackAfterDeleteFriendCommand', { ownerUserID: body.ownerUserID, friendUserID: body.friendUserID })];
    case '/friend/set_friend_remark':
      return [command('callbackAfterSetFriendRemarkCommand', { ownerUserID: body.ownerUserID, friendUserID: body.friendUserID, remark: body.remark ?? '' })];
    case '/friend/remove_black':
      return [command('callbackAfterRemoveBlackCommand', { ownerUserID: body.ownerUserID, blackUserID: body.blackUserID })];
    default:
      return [];
  }
}
