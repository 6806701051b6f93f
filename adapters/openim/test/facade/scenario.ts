/**
 * One scripted OpenIM scenario (relations, applications, blacklist, groups, mutes,
 * conversations, bad input, auth failures), replayed verbatim against every target.
 */
import { signToken } from '../../protocol/jwt.js';

export type Auth = 'admin' | 'none' | { operationID?: string; token?: string };

export interface Step {
  name: string;
  path: string;
  body: unknown;
  /** `admin`: operationID + the target's admin token (default). */
  auth?: Auth;
}

export interface ScenarioIds {
  a: string;
  b: string;
  c: string;
  d: string;
  group: string;
}

export function scenarioIds(suffix: string): ScenarioIds {
  // Ids sort in creation order, so "insertion order" and "id order" agree (README, differences).
  return { a: `u1_${suffix}`, b: `u2_${suffix}`, c: `u3_${suffix}`, d: `u4_${suffix}`, group: `g_${suffix}` };
}

const page = { pageNumber: 1, showNumber: 100 };

export function buildScenario({ a, b, c, d, group }: ScenarioIds): Step[] {
  const foreignToken = signToken({ UserID: 'imAdmin', PlatformID: 10, exp: 4_102_444_800, nbf: 0, iat: 0 }, 'not-the-secret');
  const text = (content: string) => ({ content });
  return [
    // -- auth failures
    { name: 'admin token, wrong secret', path: '/auth/get_admin_token', body: { secret: 'wrong', userID: 'imAdmin' }, auth: { operationID: 'op1' } },
    { name: 'admin token, not an admin', path: '/auth/get_admin_token', body: { secret: 'openIM123', userID: a }, auth: { operationID: 'op2' } },
    { name: 'no token header', path: '/user/get_users_info', body: { userIDs: [a] }, auth: { operationID: 'op3' } },
    { name: 'no operationID header', path: '/user/get_users_info', body: { userIDs: [a] }, auth: { token: 'x.y.z' } },
    { name: 'malformed token', path: '/user/get_users_info', body: { userIDs: [a] }, auth: { operationID: 'op5', token: 'not-a-jwt' } },
    { name: 'token signed elsewhere', path: '/user/get_users_info', body: { userIDs: [a] }, auth: { operationID: 'op6', token: foreignToken } },
    // -- users
    { name: 'register four users', path: '/user/user_register', body: { users: [a, b, c, d].map((userID) => ({ userID, nickname: `nick ${userID}`, faceURL: '', ex: '' })) } },
    { name: 'register an existing user', path: '/user/user_register', body: { users: [{ userID: a, nickname: 'again' }] } },
    { name: 'register without nickname', path: '/user/user_register', body: { users: [{ userID: `x${a}`, nickname: '' }] } },
    { name: 'register with a bad type', path: '/user/user_register', body: { users: 'nope' } },
    { name: 'users info, one unknown', path: '/user/get_users_info', body: { userIDs: [a, `nobody_${a}`] } },
    // -- friends
    { name: 'import friend a↔b', path: '/friend/import_friend', body: { ownerUserID: a, friendUserIDs: [b] } },
    { name: 'import yourself', path: '/friend/import_friend', body: { ownerUserID: a, friendUserIDs: [a] } },
    { name: 'import unknown user', path: '/friend/import_friend', body: { ownerUserID: a, friendUserIDs: [`nobody_${a}`] } },
    { name: 'friend list of a', path: '/friend/get_friend_list', body: { userID: a, pagination: page } },
    { name: 'friend list, bad page', path: '/friend/get_friend_list', body: { userID: a, pagination: { pageNumber: 0, showNumber: 10 } } },
    { name: 'remark b', path: '/friend/set_friend_remark', body: { ownerUserID: a, friendUserID: b, remark: 'Bob' } },
    { name: 'remark a non-friend', path: '/friend/set_friend_remark', body: { ownerUserID: a, friendUserID: c, remark: 'Carl' } },
    { name: 'designated friends', path: '/friend/get_designated_friends', body: { ownerUserID: a, friendUserIDs: [b, c] } },
    { name: 'delete friend one-way', path: '/friend/delete_friend', body: { ownerUserID: a, friendUserID: b } },
    { name: 'is friend after one-way delete', path: '/friend/is_friend', body: { userID1: a, userID2: b } },
    { name: 'friend ids of b', path: '/friend/get_friend_id', body: { userID: b } },
    { name: 'delete a non-friend', path: '/friend/delete_friend', body: { ownerUserID: a, friendUserID: c } },
    // -- applications
    { name: 'apply c→d', path: '/friend/add_friend', body: { fromUserID: c, toUserID: d, reqMsg: 'hi d', ex: '' } },
    { name: 'apply to yourself', path: '/friend/add_friend', body: { fromUserID: c, toUserID: c, reqMsg: '' } },
    { name: 'received applications of d', path: '/friend/get_friend_apply_list', body: { userID: d, pagination: page } },
    { name: 'sent applications of c', path: '/friend/get_self_friend_apply_list', body: { userID: c, pagination: page } },
    { name: 'answer with a bad handleResult', path: '/friend/add_friend_response', body: { fromUserID: c, toUserID: d, handleResult: 5 } },
    { name: 'accept c→d', path: '/friend/add_friend_response', body: { fromUserID: c, toUserID: d, handleResult: 1, handleMsg: '' } },
    { name: 'refuse the handled application', path: '/friend/add_friend_response', body: { fromUserID: c, toUserID: d, handleResult: -1 } },
    { name: 'answer a missing application', path: '/friend/add_friend_response', body: { fromUserID: a, toUserID: d, handleResult: 1 } },
    { name: 'apply to a mutual friend', path: '/friend/add_friend', body: { fromUserID: d, toUserID: c, reqMsg: '' } },
    { name: 'friend list of d', path: '/friend/get_friend_list', body: { userID: d, pagination: page } },
    // -- blacklist
    { name: 'a blacks b', path: '/friend/add_black', body: { ownerUserID: a, blackUserID: b, ex: '' } },
    { name: 'a blacks b again', path: '/friend/add_black', body: { ownerUserID: a, blackUserID: b, ex: '' } },
    { name: 'black list of a', path: '/friend/get_black_list', body: { userID: a, pagination: page } },
    { name: 'specified blacks of a', path: '/friend/get_specified_blacks', body: { ownerUserID: a, userIDList: [b, c] } },
    { name: 'b messages a (blacked)', path: '/msg/send_msg', body: { sendID: b, recvID: a, senderPlatformID: 1, content: text('hi'), contentType: 101, sessionType: 1 } },
    { name: 'a messages b', path: '/msg/send_msg', body: { sendID: a, recvID: b, senderPlatformID: 1, content: text('hello b'), contentType: 101, sessionType: 1 } },
    { name: 'remove black', path: '/friend/remove_black', body: { ownerUserID: a, blackUserID: b } },
    { name: 'send with a bad sessionType', path: '/msg/send_msg', body: { sendID: a, recvID: b, senderPlatformID: 1, content: text('x'), contentType: 101, sessionType: 7 } },
    // -- groups
    {
      name: 'create group',
      path: '/group/create_group',
      body: { ownerUserID: a, memberUserIDs: [b, c], adminUserIDs: [], groupInfo: { groupID: group, groupName: 'team', groupType: 2 } },
    },
    { name: 'create group, taken id', path: '/group/create_group', body: { ownerUserID: a, memberUserIDs: [], groupInfo: { groupID: group, groupName: 'x', groupType: 2 } } },
    { name: 'create group, groupType 1', path: '/group/create_group', body: { ownerUserID: a, memberUserIDs: [], groupInfo: { groupID: `${group}x`, groupName: 'x', groupType: 1 } } },
    { name: 'create group, unknown member', path: '/group/create_group', body: { ownerUserID: a, memberUserIDs: [`nobody_${a}`], groupInfo: { groupID: `${group}y`, groupName: 'x', groupType: 2 } } },
    { name: 'invite d', path: '/group/invite_user_to_group', body: { groupID: group, invitedUserIDs: [d], reason: '' } },
    { name: 'invite d again', path: '/group/invite_user_to_group', body: { groupID: group, invitedUserIDs: [d], reason: '' } },
    { name: 'kick c', path: '/group/kick_group', body: { groupID: group, kickedUserIDs: [c], reason: '' } },
    { name: 'kick c again', path: '/group/kick_group', body: { groupID: group, kickedUserIDs: [c], reason: '' } },
    { name: 'kick the owner', path: '/group/kick_group', body: { groupID: group, kickedUserIDs: [a], reason: '' } },
    { name: 'mute b for 600 s', path: '/group/mute_group_member', body: { groupID: group, userID: b, mutedSeconds: 600 } },
    { name: 'mute d until unmuted', path: '/group/mute_group_member', body: { groupID: group, userID: d, mutedSeconds: 4_294_967_295 } },
    { name: 'mute with 0 s', path: '/group/mute_group_member', body: { groupID: group, userID: d, mutedSeconds: 0 } },
    { name: 'mute a non-member', path: '/group/mute_group_member', body: { groupID: group, userID: c, mutedSeconds: 60 } },
    { name: 'members info', path: '/group/get_group_members_info', body: { groupID: group, userIDs: [a, b, c, d] } },
    { name: 'muted b sends', path: '/msg/send_msg', body: { sendID: b, groupID: group, senderPlatformID: 1, content: text('hey'), contentType: 101, sessionType: 3 } },
    { name: 'unmute b', path: '/group/cancel_mute_group_member', body: { groupID: group, userID: b } },
    { name: 'mute the group', path: '/group/mute_group', body: { groupID: group } },
    { name: 'member b sends in a muted group', path: '/msg/send_msg', body: { sendID: b, groupID: group, senderPlatformID: 1, content: text('hey'), contentType: 101, sessionType: 3 } },
    { name: 'owner sends in a muted group', path: '/msg/send_msg', body: { sendID: a, groupID: group, senderPlatformID: 1, content: text('hello team'), contentType: 101, sessionType: 3 } },
    { name: 'unmute the group', path: '/group/cancel_mute_group', body: { groupID: group } },
    { name: 'make b admin', path: '/group/set_group_member_info', body: { members: [{ groupID: group, userID: b, roleLevel: 60 }] } },
    { name: 'make b owner', path: '/group/set_group_member_info', body: { members: [{ groupID: group, userID: b, roleLevel: 100 }] } },
    { name: 'member list', path: '/group/get_group_member_list', body: { groupID: group, pagination: page } },
    { name: 'groups info', path: '/group/get_groups_info', body: { groupIDs: [group, `${group}none`] } },
    { name: 'kicked c sends', path: '/msg/send_msg', body: { sendID: c, groupID: group, senderPlatformID: 1, content: text('hey'), contentType: 101, sessionType: 3 } },
    // -- conversations
    { name: 'sorted conversations of a', path: '/conversation/get_sorted_conversation_list', body: { userID: a, conversationIDs: [], pagination: page } },
    { name: 'all conversations of d', path: '/conversation/get_all_conversations', body: { ownerUserID: d } },
    { name: 'conversation si_ of b', path: '/conversation/get_conversations', body: { ownerUserID: b, conversationIDs: [a < b ? `si_${a}_${b}` : `si_${b}_${a}`] } },
    { name: 'owner conversations of c (none)', path: '/conversation/get_owner_conversation', body: { userID: c, pagination: page } },
    { name: 'sorted conversations of c (none)', path: '/conversation/get_sorted_conversation_list', body: { userID: c, conversationIDs: [], pagination: page } },
    // -- the end of the group
    { name: 'dismiss group', path: '/group/dismiss_group', body: { groupID: group, deleteMember: false } },
    { name: 'groups info after dismiss', path: '/group/get_groups_info', body: { groupIDs: [group] } },
    { name: 'send to the dismissed group', path: '/msg/send_msg', body: { sendID: a, groupID: group, senderPlatformID: 1, content: text('anyone?'), contentType: 101, sessionType: 3 } },
    { name: 'unknown route', path: '/friend/no_such_route', body: {} },
  ];
}
