/**
 * The fake's route handlers: one per OpenIM REST route the fake serves, with the server's
 * checks, permission rule ("CheckAccess", note §5), error codes and answer shapes (note §5–§11).
 * A handler returns `data`, or undefined for a write (whose envelope then has no `data` key).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { signToken, verifyToken } from '../protocol/jwt.js';
import { versionAtLeast } from '../protocol/version.js';
import type { FakeBlack, FakeConversation, FakeFriend, FakeFriendRequest, FakeGroup, FakeMember, FakeMessage, FakeUser, OpenImFakeState } from './fake-state.js';
import {
  WireError,
  argsError,
  flag,
  integer,
  newConversationRow,
  nilIfEmpty,
  noPermission,
  notFound,
  object,
  objects,
  optionalFlag,
  optionalInteger,
  optionalText,
  pageOf,
  mongoRegex,
  pagination,
  requireDistinct,
  text,
  texts,
  tokenClaims,
  type Body,
} from '../protocol/wire.js';

export interface RequestContext {
  state: OpenImFakeState;
  /** Token user; '' on token-free routes. */
  opUserID: string;
  opIsAdmin: boolean;
  body: Body;
  /** Server clock, ms. */
  now: number;
}

export interface RouteSpec {
  handler: (context: RequestContext) => Body | undefined;
  /** Served without a token header (the router's "Whitelist", plus version-specific routes). */
  noToken?: (version: string) => boolean;
  /** Releases that have the route; others answer gin's plain 404. */
  available?: (version: string) => boolean;
}

const ADMIN_PLATFORM_ID = 10;
const ROLE_OWNER = 100;
const ROLE_ADMIN = 60;
const ROLE_MEMBER = 20;

export const from382 = (version: string): boolean => versionAtLeast(version, [3, 8, 2]);
export const from381 = (version: string): boolean => versionAtLeast(version, [3, 8, 1]);
export const from380 = (version: string): boolean => versionAtLeast(version, [3, 8, 0]);

/** Token user must be the owner named in the body, or an app admin (note §5). */
function access(context: RequestContext, ownerUserID: string): void {
  if (!context.opIsAdmin && context.opUserID !== ownerUserID) throw noPermission(`${context.opUserID} is not ${ownerUserID} or an admin`);
}

function adminOnly(context: RequestContext): void {
  if (!context.opIsAdmin) throw noPermission('only app manager');
}

function requireUser(state: OpenImFakeState, userID: string): FakeUser {
  const user = state.users.get(userID);
  if (!user) throw notFound(`user not found: ${userID}`);
  return user;
}

function userInfo(user: FakeUser | undefined, userID: string): Body {
  return {
    userID,
    nickname: user?.nickname ?? '',
    faceURL: user?.faceURL ?? '',
    ex: user?.ex ?? '',
    createTime: user?.createTime ?? 0,
    appMangerLevel: user?.appMangerLevel ?? 0,
    globalRecvMsgOpt: user?.globalRecvMsgOpt ?? 0,
  };
}

function friendInfo(state: OpenImFakeState, row: FakeFriend): Body {
  return {
    ownerUserID: row.ownerUserID,
    remark: row.remark,
    createTime: row.createTime,
    friendUser: userInfo(state.users.get(row.friendUserID), row.friendUserID),
    addSource: row.addSource,
    operatorUserID: row.operatorUserID,
    ex: row.ex,
    isPinned: row.isPinned,
  };
}

function requestInfo(state: OpenImFakeState, request: FakeFriendRequest): Body {
  const fromUser = state.users.get(request.fromUserID);
  const toUser = state.users.get(request.toUserID);
  return {
    fromUserID: request.fromUserID,
    fromNickname: fromUser?.nickname ?? '',
    fromFaceURL: fromUser?.faceURL ?? '',
    toUserID: request.toUserID,
    toNickname: toUser?.nickname ?? '',
    toFaceURL: toUser?.faceURL ?? '',
    handleResult: request.handleResult,
    reqMsg: request.reqMsg,
    createTime: request.createTime,
    handlerUserID: request.handlerUserID,
    handleMsg: request.handleMsg,
    handleTime: request.handleTime,
    ex: request.ex,
  };
}

function blackInfo(state: OpenImFakeState, row: FakeBlack, createTime: number): Body {
  const user = state.users.get(row.blockUserID);
  return {
    ownerUserID: row.ownerUserID,
    createTime,
    blackUserInfo: { userID: row.blockUserID, nickname: user?.nickname ?? '', faceURL: user?.faceURL ?? '', ex: user?.ex ?? '' },
    addSource: row.addSource,
    operatorUserID: row.operatorUserID,
    ex: row.ex,
  };
}

function groupInfo(state: OpenImFakeState, group: FakeGroup, extraCount = 0): Body {
  return { ...group, memberCount: (state.members.get(group.groupID)?.size ?? 0) + extraCount };
}

function memberInfo(member: FakeMember): Body {
  return { ...member };
}

function addFriendRow(state: OpenImFakeState, owner: string, friend: string, addSource: number, operator: string, now: number): void {
  let rows = state.friends.get(owner);
  if (!rows) {
    rows = new Map();
    state.friends.set(owner, rows);
  }
  if (rows.has(friend)) return;
  rows.set(friend, { ownerUserID: owner, friendUserID: friend, remark: '', createTime: Math.floor(now / 1000), addSource, operatorUserID: operator, ex: '', isPinned: false });
}

/** A live group (not dismissed) or the codes the group RPCs answer. */
/** A member row as the server stores it when the request's operator adds `userID` (create or invite). */
function newMember(state: OpenImFakeState, context: RequestContext, groupID: string, userID: string, roleLevel: number): FakeMember {
  const user = state.users.get(userID);
  return {
    groupID,
    userID,
    roleLevel,
    joinTime: context.now,
    nickname: user?.nickname ?? '',
    faceURL: user?.faceURL ?? '',
    appMangerLevel: 0,
    joinSource: 2,
    operatorUserID: context.opUserID,
    ex: '',
    muteEndTime: 0,
    inviterUserID: context.opUserID,
  };
}

function liveGroup(state: OpenImFakeState, groupID: string): FakeGroup {
  const group = state.groups.get(groupID);
  if (!group) throw notFound(`group not found: ${groupID}`);
  if (group.status === 2) throw new WireError(1204, `group dismissed: ${groupID}`);
  return group;
}

function sortedPair(first: string, second: string): [string, string] {
  return Buffer.compare(Buffer.from(first), Buffer.from(second)) <= 0 ? [first, second] : [second, first];
}

function ensureConversation(state: OpenImFakeState, owner: string, conversationID: string, conversationType: number, userID: string, groupID: string): void {
  let rows = state.conversations.get(owner);
  if (!rows) {
    rows = new Map();
    state.conversations.set(owner, rows);
  }
  if (rows.has(conversationID)) return;
  const row: FakeConversation = newConversationRow(owner, conversationID, conversationType, userID, groupID);
  rows.set(conversationID, row);
}

function setHasRead(state: OpenImFakeState, owner: string, conversationID: string, seq: number): void {
  let seqs = state.hasReadSeqs.get(owner);
  if (!seqs) {
    seqs = new Map();
    state.hasReadSeqs.set(owner, seqs);
  }
  seqs.set(conversationID, seq);
}

function conversationRow(state: OpenImFakeState, row: FakeConversation): Body {
  return { ...row, maxSeq: state.messages.get(row.conversationID)?.length ?? 0 };
}

function hex32(): string {
  return randomBytes(16).toString('hex');
}

// ------------------------------------------------------------------------------------- auth

function issueToken(context: RequestContext, userID: string, platformID: number): { token: string; expireTimeSeconds: number } {
  const { state } = context;
  const claims = tokenClaims(userID, platformID, Math.floor(context.now / 1000), state.options.tokenExpireSeconds, versionAtLeast(state.options.version, [3, 8, 3]));
  const token = signToken(claims, state.options.secret);
  return { token, expireTimeSeconds: state.options.tokenExpireSeconds };
}

const getAdminToken: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  const secret = text(body, 'secret');
  const userID = text(body, 'userID');
  if (secret !== state.options.secret) throw noPermission('secret invalid');
  if (!state.isAdmin(userID)) throw argsError('userID is not admin');
  return issueToken(context, userID, ADMIN_PLATFORM_ID);
};

/** ≤3.8.0: any registered user, with the secret (note §1, §5). */
const legacyUserToken: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  const secret = text(body, 'secret');
  const userID = text(body, 'userID');
  const platformID = integer(body, 'platformID');
  if (secret !== state.options.secret) throw noPermission('secret invalid');
  if (userID === '') throw argsError('userID is empty');
  requireUser(state, userID);
  return storeUserToken(context, userID, platformID);
};

function storeUserToken(context: RequestContext, userID: string, platformID: number): Body {
  const issued = issueToken(context, userID, platformID);
  if (!context.state.isAdmin(userID)) {
    // multiLogin policy 1: a new token on the same platform kicks the earlier ones.
    for (const stored of context.state.userTokens.values()) {
      if (stored.userID === userID && stored.platformID === platformID) stored.state = 1;
    }
    context.state.userTokens.set(issued.token, { userID, platformID, state: 0 });
  }
  return issued;
}

const getUserToken: RouteSpec['handler'] = (context) => {
  adminOnly(context);
  const userID = text(context.body, 'userID');
  const platformID = integer(context.body, 'platformID');
  if (platformID === ADMIN_PLATFORM_ID || context.state.isAdmin(userID)) throw noPermission('platformID or userID is admin');
  requireUser(context.state, userID);
  return storeUserToken(context, userID, platformID);
};

const parseToken: RouteSpec['handler'] = (context) => {
  const claims = verifyToken(text(context.body, 'token'), context.state.options.secret, Math.floor(context.now / 1000));
  return { userID: claims.UserID, platformID: claims.PlatformID, expireTimeSeconds: claims.exp };
};

// ------------------------------------------------------------------------------------ users

const USER_ID = /^[\p{L}\p{N}_]+$/u;

const userRegister: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  if (!from381(state.options.version)) {
    // ≤3.8.0 carries the secret in the body (note §1).
    if (text(body, 'secret') !== state.options.secret) throw noPermission('secret invalid');
  } else {
    adminOnly(context);
  }
  const users = objects(body, 'users');
  if (users.length === 0) throw argsError('users is empty');
  const parsed = users.map((user) => ({ userID: text(user, 'userID'), nickname: text(user, 'nickname'), faceURL: text(user, 'faceURL'), ex: text(user, 'ex') }));
  for (const user of parsed) {
    if (user.userID === '' || !USER_ID.test(user.userID)) throw argsError('userID is invalid');
    if (user.nickname === '') throw argsError('user name is empty');
  }
  requireDistinct(parsed.map((user) => user.userID), 'userIDs');
  const taken = parsed.find((user) => state.users.has(user.userID));
  if (taken) throw new WireError(1102, `userID registered already: ${taken.userID}`);
  for (const user of parsed) state.users.set(user.userID, { ...user, createTime: context.now, appMangerLevel: 0, globalRecvMsgOpt: 0 });
  return undefined;
};

const getUsersInfo: RouteSpec['handler'] = ({ state, body }) => {
  const userIDs = texts(body, 'userIDs');
  if (userIDs.length === 0) throw argsError('userIDs is empty');
  // Up to 3.8.1 GetDesignateUsers uses FindWithError: one unknown id fails the whole call; 3.8.2
  // switched to Find, which omits it (v3.8.0 internal/rpc/user/user.go:117-123, audit O-1).
  if (!from382(state.options.version) && userIDs.some((id) => !state.users.has(id))) throw notFound('userID not found');
  const found = userIDs.filter((id) => state.users.has(id)).map((id) => userInfo(state.users.get(id), id));
  return { usersInfo: nilIfEmpty(found) };
};

/** App manager levels of the ordinary users `/user/get_users` lists (constant.IMOrdinaryUser, AppOrdinaryUsers; note §14). */
const ORDINARY_LEVELS = new Set([0, 1]);

/**
 * `/user/get_users` (GetPaginationUsers, note §14): the ordinary users in stored order — the admin
 * and notification accounts (level 3) are left out; a `userID` or `nickName` keeps those whose id
 * or nickname matches it as a case-insensitive regex. `total` counts every match.
 */
const getUsers: RouteSpec['handler'] = ({ state, body }) => {
  const page = pagination(body);
  const userID = text(body, 'userID');
  const nickName = text(body, 'nickName');
  const byId = userID === '' ? null : mongoRegex(userID, 'i');
  const byName = nickName === '' ? null : mongoRegex(nickName, 'i');
  const matching = [...state.users.values()].filter(
    (user) => ORDINARY_LEVELS.has(user.appMangerLevel) && (byId === null && byName === null ? true : (byId?.test(user.userID) ?? false) || (byName?.test(user.nickname) ?? false)),
  );
  return { total: matching.length, users: nilIfEmpty(pageOf(matching, page).map((user) => userInfo(user, user.userID))) };
};

const updateUserInfoEx: RouteSpec['handler'] = (context) => {
  const info = object(context.body, 'userInfo');
  if (!info) throw argsError('userInfo is empty');
  const userID = text(info, 'userID');
  if (userID === '') throw argsError('userID is empty');
  access(context, userID);
  const user = requireUser(context.state, userID);
  const nickname = optionalText(info, 'nickname');
  const faceURL = optionalText(info, 'faceURL');
  const ex = optionalText(info, 'ex');
  if (nickname !== undefined) user.nickname = nickname;
  if (faceURL !== undefined) user.faceURL = faceURL;
  if (ex !== undefined) user.ex = ex;
  return undefined;
};

const accountCheck: RouteSpec['handler'] = (context) => {
  adminOnly(context);
  const ids = texts(context.body, 'checkUserIDs');
  if (ids.length === 0) throw argsError('checkUserIDs is empty');
  return { results: ids.map((userID) => ({ userID, accountStatus: context.state.users.has(userID) ? 1 : 0 })) };
};

// ---------------------------------------------------------------------------------- friends

const importFriend: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  adminOnly(context);
  const owner = text(body, 'ownerUserID');
  const friends = texts(body, 'friendUserIDs');
  if (owner === '') throw argsError('ownerUserID is empty');
  if (friends.length === 0) throw argsError('friendUserIDs is empty');
  requireDistinct(friends, 'friendUserIDs');
  // Existence first: an owner inside friendUserIDs also ends here (note §7).
  requireUser(state, owner);
  for (const friend of friends) {
    if (friend === owner) throw notFound(`user not found: ${friend}`);
    requireUser(state, friend);
  }
  if (!from380(state.options.version)) return importFriends37(context, owner, friends);
  for (const friend of friends) {
    addFriendRow(state, owner, friend, 1, context.opUserID, context.now);
    addFriendRow(state, friend, owner, 1, context.opUserID, context.now);
  }
  return undefined;
};

function duplicateFriend(owner: string, friend: string): WireError {
  return new WireError(
    500,
    `write exception: write errors: [E11000 duplicate key error collection: openim_v3.friend index: owner_user_id_1_friend_user_id_1 dup key: { owner_user_id: "${owner}", friend_user_id: "${friend}" }]`,
  );
}

/**
 * 3.7 BecomeFriends (v3.7.0 pkg/common/db/controller/friend.go:139-179): the owner's rows, the
 * existing ones first, go to one ordered InsertMany, then the friends' rows to another. An
 * existing row is inserted again and breaks the unique index: a 500 (audit O-2). Without a
 * transaction the owner's rows inserted before the failure stay.
 */
function importFriends37(context: RequestContext, owner: string, friends: readonly string[]): undefined {
  const { state } = context;
  const forwardTaken = friends.find((friend) => state.friendRow(owner, friend));
  if (forwardTaken !== undefined) throw duplicateFriend(owner, forwardTaken);
  for (const friend of friends) addFriendRow(state, owner, friend, 1, context.opUserID, context.now);
  const reverseTaken = friends.find((friend) => state.friendRow(friend, owner));
  if (reverseTaken !== undefined) {
    if (state.options.transactions) for (const friend of friends) state.friends.get(owner)?.delete(friend);
    throw duplicateFriend(reverseTaken, owner);
  }
  for (const friend of friends) addFriendRow(state, friend, owner, 1, context.opUserID, context.now);
  return undefined;
}

const addFriend: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  const from = text(body, 'fromUserID');
  const to = text(body, 'toUserID');
  if (from === '' || to === '') throw argsError('fromUserID or toUserID is empty');
  access(context, from);
  if (from === to) throw new WireError(1301, 'can not add yourself');
  requireUser(state, from);
  requireUser(state, to);
  if (state.friendRow(from, to) && state.friendRow(to, from)) throw new WireError(1304, 'already friends');
  // No blacklist check here (note §7); re-applying resets the request to pending.
  state.friendRequests.set(`${from}\n${to}`, {
    fromUserID: from,
    toUserID: to,
    handleResult: 0,
    reqMsg: text(body, 'reqMsg'),
    createTime: context.now,
    handlerUserID: '',
    handleMsg: '',
    handleTime: 0,
    ex: text(body, 'ex'),
  });
  return undefined;
};

const addFriendResponse: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  const from = text(body, 'fromUserID');
  const to = text(body, 'toUserID');
  const handleResult = integer(body, 'handleResult');
  access(context, to);
  if (handleResult !== 1 && handleResult !== -1) throw argsError('handleResult is invalid');
  const request = state.request(from, to);
  if (!request) throw notFound('friend request not found');
  const handle = (target: FakeFriendRequest, result: number) => {
    target.handleResult = result;
    target.handlerUserID = context.opUserID;
    target.handleMsg = text(body, 'handleMsg');
    target.handleTime = context.now;
  };
  if (handleResult === 1) {
    if (request.handleResult !== 0) throw argsError('the friend request has been processed');
    handle(request, 1);
    const reverse = state.request(to, from);
    if (reverse && reverse.handleResult === 0) handle(reverse, 1);
    addFriendRow(state, from, to, 2, context.opUserID, context.now);
    addFriendRow(state, to, from, 2, context.opUserID, context.now);
  } else {
    if (request.handleResult !== 0) throw handledRefusal(state.options.version, from, to);
    handle(request, -1);
  }
  return undefined;
};

/**
 * Refusing a handled application. Up to 3.8.3 (and its patch.1–15) RefuseFriendRequest returns a
 * plain fmt.Errorf, no CodeError: a 500 whose errMsg and errDlt are its text (v3.8.3
 * pkg/common/storage/controller/friend.go:219). 3.8.3-patch.16 and main answer 1305
 * FriendRequestHandled (commit 452e3b2bb, cherry-picked from #3670; audit O-3).
 */
function handledRefusal(version: string, from: string, to: string): WireError {
  if (versionAtLeast(version, [3, 8, 3, 16])) return new WireError(1305, `friend request has already been processed, from=${from}, to=${to}`);
  const text = `friend request from ${from} to ${to} has already been processed`;
  return new WireError(500, text, text);
}

const deleteFriend: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const friend = text(context.body, 'friendUserID');
  access(context, owner);
  const rows = context.state.friends.get(owner);
  if (!rows?.has(friend)) {
    // 3.8.x: a no-op; 3.7.x: 1004 (note §1).
    if (!from380(context.state.options.version)) throw notFound('friend not found');
    return undefined;
  }
  rows.delete(friend);
  return undefined;
};

const getFriendList: RouteSpec['handler'] = (context) => {
  const userID = text(context.body, 'userID');
  access(context, userID);
  const page = pagination(context.body);
  const rows = context.state.friends.get(userID);
  return { friendsInfo: nilIfEmpty(pageOf(rows?.values() ?? [], page).map((row) => friendInfo(context.state, row))), total: rows?.size ?? 0 };
};

const getDesignatedFriends: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const ids = texts(context.body, 'friendUserIDs');
  if (ids.length === 0) throw argsError('friendUserIDs is empty');
  requireDistinct(ids, 'friendUserIDs');
  const rows = ids.map((id) => context.state.friendRow(owner, id));
  if (!from380(context.state.options.version) && rows.some((row) => row === undefined)) throw notFound('friend not found');
  return { friendsInfo: nilIfEmpty(rows.filter((row): row is FakeFriend => row !== undefined).map((row) => friendInfo(context.state, row))) };
};

const isFriend: RouteSpec['handler'] = (context) => {
  const first = text(context.body, 'userID1');
  const second = text(context.body, 'userID2');
  if (first === '' || second === '') throw argsError('userID1 or userID2 is empty');
  return { inUser1Friends: context.state.friendRow(first, second) !== undefined, inUser2Friends: context.state.friendRow(second, first) !== undefined };
};

const setFriendRemark: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const friend = text(context.body, 'friendUserID');
  access(context, owner);
  const row = context.state.friendRow(owner, friend);
  if (!row) throw notFound('friend not found');
  row.remark = text(context.body, 'remark');
  return undefined;
};

const updateFriends: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const ids = texts(context.body, 'friendUserIDs');
  access(context, owner);
  if (ids.length === 0) throw argsError('friendUserIDs is empty');
  requireDistinct(ids, 'friendUserIDs');
  const remark = optionalText(context.body, 'remark');
  const isPinned = optionalFlag(context.body, 'isPinned');
  const ex = optionalText(context.body, 'ex');
  // An UpdateMany: rows that do not exist are simply not touched.
  for (const id of ids) {
    const row = context.state.friendRow(owner, id);
    if (!row) continue;
    if (remark !== undefined) row.remark = remark;
    if (isPinned !== undefined) row.isPinned = isPinned;
    if (ex !== undefined) row.ex = ex;
  }
  return undefined;
};

function applyList(context: RequestContext, key: 'FriendRequests' | 'friendRequests', match: (request: FakeFriendRequest, userID: string) => boolean): Body {
  const userID = text(context.body, 'userID');
  access(context, userID);
  const page = pagination(context.body);
  const requests = [...context.state.friendRequests.values()].filter((request) => match(request, userID)).sort((first, second) => second.createTime - first.createTime);
  return { [key]: nilIfEmpty(pageOf(requests, page).map((request) => requestInfo(context.state, request))), total: requests.length };
}

/** Received applications: the key is `FriendRequests` with a capital F (note §7). */
const getFriendApplyList: RouteSpec['handler'] = (context) => applyList(context, 'FriendRequests', (request, userID) => request.toUserID === userID);
const getSelfFriendApplyList: RouteSpec['handler'] = (context) => applyList(context, 'friendRequests', (request, userID) => request.fromUserID === userID);

const getDesignatedFriendApply: RouteSpec['handler'] = (context) => {
  const from = text(context.body, 'fromUserID');
  const to = text(context.body, 'toUserID');
  const found = [context.state.request(from, to), context.state.request(to, from)].filter((request): request is FakeFriendRequest => request !== undefined);
  return { friendRequests: nilIfEmpty(found.map((request) => requestInfo(context.state, request))) };
};

const getFriendId: RouteSpec['handler'] = (context) => {
  const userID = text(context.body, 'userID');
  access(context, userID);
  return { friendIDs: nilIfEmpty([...(context.state.friends.get(userID)?.keys() ?? [])]) };
};

// ---------------------------------------------------------------------------------- blacks

const addBlack: RouteSpec['handler'] = (context) => {
  const { state } = context;
  const owner = text(context.body, 'ownerUserID');
  const blocked = text(context.body, 'blackUserID');
  access(context, owner);
  requireUser(state, owner);
  // Blacking yourself ends in the same existence check (note §8).
  if (blocked === owner) throw notFound(`user not found: ${blocked}`);
  requireUser(state, blocked);
  let rows = state.blacks.get(owner);
  if (!rows) {
    rows = new Map();
    state.blacks.set(owner, rows);
  }
  if (rows.has(blocked)) {
    // The unique index refuses the second row; the raw Mongo error becomes a 500 (note §8).
    throw new WireError(
      500,
      `write exception: write errors: [E11000 duplicate key error collection: openim_v3.black index: owner_user_id_1_block_user_id_1 dup key: { owner_user_id: "${owner}", block_user_id: "${blocked}" }]`,
    );
  }
  rows.set(blocked, { ownerUserID: owner, blockUserID: blocked, createTime: context.now, addSource: 0, operatorUserID: context.opUserID, ex: text(context.body, 'ex') });
  return undefined;
};

const removeBlack: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  access(context, owner);
  context.state.blacks.get(owner)?.delete(text(context.body, 'blackUserID'));
  return undefined;
};

/** get_black_list shows createTime in seconds (note §8). */
const getBlackList: RouteSpec['handler'] = (context) => {
  const userID = text(context.body, 'userID');
  access(context, userID);
  const page = pagination(context.body);
  const rows = [...(context.state.blacks.get(userID)?.values() ?? [])];
  return { blacks: nilIfEmpty(pageOf(rows, page).map((row) => blackInfo(context.state, row, Math.floor(row.createTime / 1000)))), total: rows.length };
};

/** get_specified_blacks shows createTime in ms (note §8). */
const getSpecifiedBlacks: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const ids = texts(context.body, 'userIDList');
  access(context, owner);
  if (ids.length === 0) throw argsError('userIDList is empty');
  const rows = ids.map((id) => context.state.blackRow(owner, id)).filter((row): row is FakeBlack => row !== undefined);
  return { blacks: nilIfEmpty(rows.map((row) => blackInfo(context.state, row, row.createTime))), total: rows.length };
};

// ----------------------------------------------------------------------------------- groups

const createGroup: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  const owner = text(body, 'ownerUserID');
  const memberIDs = texts(body, 'memberUserIDs');
  const adminIDs = texts(body, 'adminUserIDs');
  const info = object(body, 'groupInfo');
  if (!info) throw argsError('groupInfo is empty');
  if (owner === '') throw argsError('ownerUserID is empty');
  if (integer(info, 'groupType') !== 2) throw argsError('groupType is invalid');
  access(context, owner);
  const everyone = [owner, ...adminIDs, ...memberIDs];
  requireDistinct(everyone, 'userIDs');
  for (const userID of everyone) if (!state.users.has(userID)) throw new WireError(1101, `user not found: ${userID}`);
  let groupID = text(info, 'groupID');
  if (groupID !== '' && state.groups.has(groupID)) throw new WireError(1202, `group id existed: ${groupID}`);
  if (groupID === '') {
    do groupID = String(randomInt(1_000_000_000, 9_999_999_999));
    while (state.groups.has(groupID));
  }
  const group: FakeGroup = {
    groupID,
    groupName: text(info, 'groupName'),
    notification: text(info, 'notification'),
    introduction: text(info, 'introduction'),
    faceURL: text(info, 'faceURL'),
    ownerUserID: owner,
    createTime: context.now,
    ex: text(info, 'ex'),
    status: 0,
    creatorUserID: context.opUserID,
    groupType: 2,
    needVerification: integer(info, 'needVerification'),
    lookMemberInfo: integer(info, 'lookMemberInfo'),
    applyMemberFriend: integer(info, 'applyMemberFriend'),
    notificationUpdateTime: 0,
    notificationUserID: '',
  };
  state.groups.set(groupID, group);
  const members = state.membersOf(groupID);
  const join = (userID: string, roleLevel: number) => members.set(userID, newMember(state, context, groupID, userID, roleLevel));
  join(owner, ROLE_OWNER);
  for (const userID of adminIDs) join(userID, ROLE_ADMIN);
  for (const userID of memberIDs) join(userID, ROLE_MEMBER);
  // Quirk: an admin caller is not made a member but is counted in the answer (note §9).
  const extra = members.has(context.opUserID) ? 0 : 1;
  return { groupInfo: groupInfo(state, group, extra) };
};

function groupAdmin(context: RequestContext, groupID: string): void {
  if (context.opIsAdmin) return;
  const member = context.state.members.get(groupID)?.get(context.opUserID);
  if (!member || (member.roleLevel !== ROLE_OWNER && member.roleLevel !== ROLE_ADMIN)) throw noPermission('no permission');
}

const dismissGroup: RouteSpec['handler'] = (context) => {
  const groupID = text(context.body, 'groupID');
  const deleteMember = flag(context.body, 'deleteMember');
  const group = context.state.groups.get(groupID);
  if (!group) throw notFound(`group not found: ${groupID}`);
  if (!context.opIsAdmin && context.opUserID !== group.ownerUserID) throw noPermission('not group owner');
  if (group.status === 2 && !deleteMember) throw new WireError(1204, 'group status is dismissed');
  group.status = 2;
  if (deleteMember) context.state.members.delete(groupID);
  return undefined;
};

const inviteUserToGroup: RouteSpec['handler'] = (context) => {
  const { state } = context;
  const groupID = text(context.body, 'groupID');
  const invited = texts(context.body, 'invitedUserIDs');
  if (invited.length === 0) throw argsError('invitedUserIDs is empty');
  requireDistinct(invited, 'invitedUserIDs');
  liveGroup(state, groupID);
  for (const userID of invited) requireUser(state, userID);
  const members = state.membersOf(groupID);
  if (!context.opIsAdmin && !members.has(context.opUserID)) throw notFound('inviter not in group');
  for (const userID of invited) {
    if (members.has(userID)) {
      throw new WireError(
        500,
        `write exception: write errors: [E11000 duplicate key error collection: openim_v3.group_member index: group_id_1_user_id_1 dup key: { group_id: "${groupID}", user_id: "${userID}" }]`,
      );
    }
  }
  for (const userID of invited) members.set(userID, newMember(state, context, groupID, userID, ROLE_MEMBER));
  return undefined;
};

const kickGroup: RouteSpec['handler'] = (context) => {
  const { state } = context;
  const groupID = text(context.body, 'groupID');
  const kicked = texts(context.body, 'kickedUserIDs');
  if (kicked.length === 0) throw argsError('kickedUserIDs is empty');
  requireDistinct(kicked, 'kickedUserIDs');
  const group = liveGroup(state, groupID);
  if (kicked.includes(context.opUserID) || kicked.includes(group.ownerUserID)) throw argsError('can not kick yourself or the owner');
  groupAdmin(context, groupID);
  const members = state.membersOf(groupID);
  for (const userID of kicked) if (!members.has(userID)) throw new WireError(1101, `user not in group: ${userID}`);
  for (const userID of kicked) members.delete(userID);
  return undefined;
};

const getGroupMembersInfo: RouteSpec['handler'] = (context) => {
  const groupID = text(context.body, 'groupID');
  const userIDs = texts(context.body, 'userIDs');
  if (userIDs.length === 0) throw argsError('userIDs empty');
  const members = context.state.members.get(groupID);
  const found = userIDs.map((userID) => members?.get(userID)).filter((member): member is FakeMember => member !== undefined);
  return { members: nilIfEmpty(found.map(memberInfo)) };
};

const getGroupMemberList: RouteSpec['handler'] = (context) => {
  const groupID = text(context.body, 'groupID');
  const page = pagination(context.body);
  if (!context.state.groups.has(groupID)) throw notFound(`group not found: ${groupID}`);
  const keyword = text(context.body, 'keyword');
  const members = [...(context.state.members.get(groupID)?.values() ?? [])]
    .filter((member) => keyword === '' || member.nickname.includes(keyword) || member.userID.includes(keyword))
    .sort((first, second) => second.roleLevel - first.roleLevel || first.joinTime - second.joinTime);
  return { total: members.length, members: nilIfEmpty(pageOf(members, page).map(memberInfo)) };
};

const getGroupsInfo: RouteSpec['handler'] = (context) => {
  const groupIDs = texts(context.body, 'groupIDs');
  if (groupIDs.length === 0) throw argsError('groupIDs is empty');
  const found = groupIDs.map((groupID) => context.state.groups.get(groupID)).filter((group): group is FakeGroup => group !== undefined);
  return { groupInfos: nilIfEmpty(found.map((group) => groupInfo(context.state, group))) };
};

/**
 * `/group/get_groups` (GetGroups, note §14): with a `groupID`, that group alone (dismissed or not);
 * otherwise every group but dismissed ones whose name matches `groupName` as a regex — stored
 * order up to 3.8.1 (the sort names a field no group has), newest `createTime` first from 3.8.2 —
 * each with its owner and member count.
 */
const getGroups: RouteSpec['handler'] = ({ state, body }) => {
  const page = pagination(body);
  const groupID = text(body, 'groupID');
  const entry = (group: FakeGroup): Body => {
    const owner = [...(state.members.get(group.groupID)?.values() ?? [])].find((member) => member.roleLevel === ROLE_OWNER);
    return { groupInfo: groupInfo(state, group), groupOwnerUserName: owner?.nickname ?? '', groupOwnerUserID: owner?.userID ?? '' };
  };
  if (groupID !== '') {
    const group = state.groups.get(groupID);
    return { total: group ? 1 : 0, groups: nilIfEmpty(group ? [entry(group)] : []) };
  }
  const name = mongoRegex(text(body, 'groupName'), '');
  const matching = [...state.groups.values()].filter((group) => group.status !== 2 && name.test(group.groupName));
  // Array.prototype.sort is stable: groups created in the same millisecond keep their stored order.
  if (from382(state.options.version)) matching.sort((a, b) => b.createTime - a.createTime);
  return { total: matching.length, groups: nilIfEmpty(pageOf(matching, page).map(entry)) };
};

function targetMember(context: RequestContext): { group: FakeGroup; member: FakeMember } {
  const groupID = text(context.body, 'groupID');
  const userID = text(context.body, 'userID');
  const group = liveGroup(context.state, groupID);
  const member = context.state.members.get(groupID)?.get(userID);
  if (!member) throw notFound(`member not found: ${userID}`);
  if (!context.opIsAdmin) {
    const operator = context.state.members.get(groupID)?.get(context.opUserID);
    if (member.roleLevel === ROLE_OWNER) throw noPermission('can not mute the owner');
    const needed = member.roleLevel === ROLE_ADMIN ? [ROLE_OWNER] : [ROLE_OWNER, ROLE_ADMIN];
    if (!operator || !needed.includes(operator.roleLevel)) throw noPermission('no permission');
  }
  return { group, member };
}

const muteGroupMember: RouteSpec['handler'] = (context) => {
  const seconds = integer(context.body, 'mutedSeconds', 'uint32', 0, 4_294_967_295);
  if (seconds <= 0) throw argsError('mutedSeconds is invalid');
  const { member } = targetMember(context);
  member.muteEndTime = context.now + seconds * 1000;
  return undefined;
};

const cancelMuteGroupMember: RouteSpec['handler'] = (context) => {
  const { member } = targetMember(context);
  member.muteEndTime = 0;
  return undefined;
};

function setGroupStatus(status: number): RouteSpec['handler'] {
  return (context) => {
    const groupID = text(context.body, 'groupID');
    const group = context.state.groups.get(groupID);
    if (!group) throw notFound(`group not found: ${groupID}`);
    groupAdmin(context, groupID);
    // No check of the current status (note §9).
    group.status = status;
    return undefined;
  };
}

const setGroupMemberInfo: RouteSpec['handler'] = (context) => {
  const items = objects(context.body, 'members');
  if (items.length === 0) throw argsError('members is empty');
  const changes = items.map((item) => {
    const groupID = text(item, 'groupID');
    const userID = text(item, 'userID');
    const roleLevel = optionalInteger(item, 'roleLevel');
    if (roleLevel === ROLE_OWNER) throw noPermission('can not set owner, use transfer_group');
    if (roleLevel !== undefined && roleLevel !== ROLE_ADMIN && roleLevel !== ROLE_MEMBER) throw argsError('roleLevel is invalid');
    liveGroup(context.state, groupID);
    const member = context.state.members.get(groupID)?.get(userID);
    if (!member) throw argsError(`user not in group: ${userID}`);
    if (!context.opIsAdmin) groupAdmin(context, groupID);
    return { member, roleLevel, nickname: optionalText(item, 'nickname'), faceURL: optionalText(item, 'faceURL'), ex: optionalText(item, 'ex') };
  });
  for (const change of changes) {
    if (change.roleLevel !== undefined) change.member.roleLevel = change.roleLevel;
    if (change.nickname !== undefined) change.member.nickname = change.nickname;
    if (change.faceURL !== undefined) change.member.faceURL = change.faceURL;
    if (change.ex !== undefined) change.member.ex = change.ex;
  }
  return undefined;
};

// ------------------------------------------------------------------------------- messages

const sendMsg: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  adminOnly(context);
  const sendID = text(body, 'sendID');
  const recvID = text(body, 'recvID');
  const groupID = text(body, 'groupID');
  const sessionType = integer(body, 'sessionType');
  const contentType = integer(body, 'contentType');
  const senderPlatformID = integer(body, 'senderPlatformID');
  const content = object(body, 'content');
  if (sendID === '') throw argsError('sendID is empty');
  if (content === null) throw argsError('content is empty');
  if (contentType === 101 && typeof content['content'] !== 'string') throw argsError('content.content is empty');
  requireUser(state, sendID);
  // App admins and notification content types (1000–5000) skip the gate (note §11).
  const gated = !state.isAdmin(sendID) && !(contentType >= 1000 && contentType <= 5000);
  let conversationID: string;
  let owners: Array<{ owner: string; type: number; userID: string; groupID: string }>;
  if (sessionType === 1) {
    if (recvID === '') throw argsError('recvID is empty');
    requireUser(state, recvID);
    if (gated) {
      if (state.blackRow(recvID, sendID)) throw new WireError(1302, 'BlockedByPeer');
      if (state.options.friendVerify && !state.friendRow(recvID, sendID)) throw new WireError(1303, 'NotPeersFriend');
    }
    const [low, high] = sortedPair(sendID, recvID);
    conversationID = `si_${low}_${high}`;
    owners = [
      { owner: sendID, type: 1, userID: recvID, groupID: '' },
      { owner: recvID, type: 1, userID: sendID, groupID: '' },
    ];
  } else if (sessionType === 3) {
    if (groupID === '') throw argsError('groupID is empty');
    const group = state.groups.get(groupID);
    if (!group) throw notFound(`group not found: ${groupID}`);
    if (group.status === 2) throw new WireError(1204, 'group dismissed');
    const members = state.membersOf(groupID);
    if (gated) {
      const member = members.get(sendID);
      if (!member) throw new WireError(1203, 'not in group');
      if (member.muteEndTime > context.now) throw new WireError(1402, 'member muted');
      if (group.status === 3 && member.roleLevel !== ROLE_OWNER && member.roleLevel !== ROLE_ADMIN) throw new WireError(1403, 'group muted');
    }
    conversationID = `sg_${groupID}`;
    owners = [...members.keys()].map((owner) => ({ owner, type: 3, userID: '', groupID }));
  } else {
    throw argsError('sessionType is invalid');
  }
  let messages = state.messages.get(conversationID);
  if (!messages) {
    messages = [];
    state.messages.set(conversationID, messages);
  }
  const message: FakeMessage = {
    seq: messages.length + 1,
    serverMsgID: hex32(),
    clientMsgID: createHash('md5').update(`${sendID}${context.now}${hex32()}`).digest('hex'),
    sessionType,
    sendID,
    recvID: sessionType === 1 ? recvID : '',
    groupID: sessionType === 3 ? groupID : '',
    senderName: text(body, 'senderNickname'),
    senderFaceURL: text(body, 'senderFaceURL'),
    senderPlatformID,
    msgFrom: 200,
    contentType,
    content: JSON.stringify(content),
    sendTime: context.now,
  };
  messages.push(message);
  // Rows are created lazily by msgtransfer for every owner lacking one (open question 4: the
  // fake creates them on every message, also for members who joined later).
  for (const entry of owners) ensureConversation(state, entry.owner, conversationID, entry.type, entry.userID, entry.groupID);
  // The sender has read its own message.
  setHasRead(state, sendID, conversationID, message.seq);
  return { serverMsgID: message.serverMsgID, clientMsgID: message.clientMsgID, sendTime: message.sendTime };
};

const clearConversationMsg: RouteSpec['handler'] = (context) => {
  const userID = text(context.body, 'userID');
  const conversationIDs = texts(context.body, 'conversationIDs');
  access(context, userID);
  if (conversationIDs.length === 0) throw argsError('conversationIDs is empty');
  const options = object(context.body, 'deleteSyncOpt') ?? {};
  const syncOther = flag(options, 'IsSyncOther');
  for (const conversationID of conversationIDs) {
    const maxSeq = context.state.messages.get(conversationID)?.length ?? 0;
    const owners = syncOther ? [...context.state.conversations.keys()].filter((owner) => context.state.conversations.get(owner)?.has(conversationID)) : [userID];
    for (const owner of owners) {
      let seqs = context.state.userMinSeqs.get(owner);
      if (!seqs) {
        seqs = new Map();
        context.state.userMinSeqs.set(owner, seqs);
      }
      // History hidden for the owner; the conversation row stays (note §10).
      seqs.set(conversationID, maxSeq + 1);
    }
  }
  return undefined;
};

// -------------------------------------------------------------------------- conversations

const getSortedConversationList: RouteSpec['handler'] = (context) => {
  const { state } = context;
  const userID = text(context.body, 'userID');
  const wanted = texts(context.body, 'conversationIDs');
  const page = pagination(context.body);
  const rows = [...(state.conversations.get(userID)?.values() ?? [])].filter((row) => wanted.length === 0 || wanted.includes(row.conversationID));
  // No conversation at all is RecordNotFound, not an empty list (note §10).
  if (rows.length === 0) throw notFound('conversation not found');
  // The latest message of every asked conversation is read from its stored doc, and the first
  // missing doc fails the whole call (FindOneByDocIDs, v3.8.3 pkg/common/storage/controller/
  // msg.go:674-686): a row without any message is 1004 for all (audit O-5).
  const asked = wanted.length > 0 ? wanted : rows.map((row) => row.conversationID);
  if (asked.some((conversationID) => (state.messages.get(conversationID)?.length ?? 0) === 0)) throw notFound('mongo: no documents in result');
  const pinned = new Map<number, Body>();
  const others = new Map<number, Body>();
  let unreadTotal = 0;
  for (const row of rows) {
    const messages = state.messages.get(row.conversationID)!;
    const latest = messages.at(-1)!;
    const hasRead = state.hasReadSeqs.get(userID)?.get(row.conversationID) ?? 0;
    const unreadCount = Math.max(0, messages.length - hasRead);
    unreadTotal += unreadCount;
    const group = latest.groupID === '' ? undefined : state.groups.get(latest.groupID);
    // getConversationInfo names the other side of a single chat, the sender of a group message,
    // from the users' current profiles (v3.8.3 internal/rpc/conversation/conversation.go:553-628).
    const named = state.users.get(latest.sessionType === 1 && latest.sendID === userID ? latest.recvID : latest.sendID);
    const elem: Body = {
      conversationID: row.conversationID,
      recvMsgOpt: row.recvMsgOpt,
      unreadCount,
      IsPinned: row.isPinned,
      msgInfo: {
        serverMsgID: latest.serverMsgID,
        clientMsgID: latest.clientMsgID,
        sessionType: latest.sessionType,
        sendID: latest.sendID,
        recvID: latest.recvID,
        senderName: named?.nickname ?? '',
        faceURL: latest.sessionType === 1 ? (named?.faceURL ?? '') : '',
        groupID: latest.groupID,
        groupName: group?.groupName ?? '',
        groupFaceURL: group?.faceURL ?? '',
        groupType: group?.groupType ?? 0,
        groupMemberCount: group ? (state.members.get(group.groupID)?.size ?? 0) : 0,
        LatestMsgRecvTime: latest.sendTime,
        msgFrom: latest.msgFrom,
        contentType: latest.contentType,
        content: latest.content,
        ex: '',
      },
    };
    // Sorted through a map keyed by the latest message time: equal times collapse, the later
    // row wins (note §10, open question 5).
    (row.isPinned ? pinned : others).set(latest.sendTime, elem);
  }
  const byTimeDesc = (map: Map<number, Body>) => [...map.entries()].sort((first, second) => second[0] - first[0]).map(([, elem]) => elem);
  const sorted = [...byTimeDesc(pinned), ...byTimeDesc(others)];
  return { conversationTotal: rows.length, unreadTotal, conversationElems: nilIfEmpty(pageOf(sorted, page)) };
};

/** Upserts one conversation row for several owners (v3.8.3 SetConversations; note §10). */
const setConversations: RouteSpec['handler'] = (context) => {
  const { state, body } = context;
  const owners = texts(body, 'userIDs');
  const conversation = object(body, 'conversation');
  if (owners.length === 0) throw argsError('userID is empty');
  if (!conversation) throw argsError('conversation is empty');
  const conversationID = text(conversation, 'conversationID');
  const conversationType = integer(conversation, 'conversationType');
  const userID = text(conversation, 'userID');
  const groupID = text(conversation, 'groupID');
  if (conversationType === 0) throw argsError('conversationType is invalid');
  if (conversationType === 1 && userID === '') throw argsError('userID is empty');
  if (conversationType === 3 && groupID === '') throw argsError('groupID is empty');
  if (conversationType === 3) liveGroup(state, groupID);
  const recvMsgOpt = optionalInteger(conversation, 'recvMsgOpt');
  const isPinned = optionalFlag(conversation, 'isPinned');
  const ex = optionalText(conversation, 'ex');
  for (const owner of owners) {
    ensureConversation(state, owner, conversationID, conversationType, userID, groupID);
    const row = state.conversations.get(owner)!.get(conversationID)!;
    if (recvMsgOpt !== undefined) row.recvMsgOpt = recvMsgOpt;
    if (isPinned !== undefined) row.isPinned = isPinned;
    if (ex !== undefined) row.ex = ex;
  }
  return undefined;
};

const getAllConversations: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const rows = [...(context.state.conversations.get(owner)?.values() ?? [])];
  return { conversations: nilIfEmpty(rows.map((row) => conversationRow(context.state, row))) };
};

const getOwnerConversation: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'userID');
  const page = pagination(context.body);
  const rows = [...(context.state.conversations.get(owner)?.values() ?? [])];
  return { total: rows.length, conversations: nilIfEmpty(pageOf(rows, page).map((row) => conversationRow(context.state, row))) };
};

const getConversations: RouteSpec['handler'] = (context) => {
  const owner = text(context.body, 'ownerUserID');
  const ids = texts(context.body, 'conversationIDs');
  if (ids.length === 0) throw argsError('conversationIDs is empty');
  const rows = context.state.conversations.get(owner);
  const found = ids.map((id) => rows?.get(id)).filter((row): row is FakeConversation => row !== undefined);
  return { conversations: nilIfEmpty(found.map((row) => conversationRow(context.state, row))) };
};

const onlyBefore381 = (version: string): boolean => !from381(version);
const always = (): boolean => true;

export const ROUTES: ReadonlyMap<string, RouteSpec> = new Map<string, RouteSpec>([
  ['/auth/get_admin_token', { handler: getAdminToken, noToken: always, available: from381 }],
  ['/auth/user_token', { handler: legacyUserToken, noToken: always, available: onlyBefore381 }],
  ['/auth/get_user_token', { handler: getUserToken }],
  ['/auth/parse_token', { handler: parseToken, noToken: always }],
  // No token before 3.8.1: 3.7 routes user_register without ParseToken, 3.8.0 lists it in the
  // token middleware's Whitelist (v3.8.0 internal/api/router.go:258-262, audit O-9).
  ['/user/user_register', { handler: userRegister, noToken: onlyBefore381 }],
  ['/user/get_users_info', { handler: getUsersInfo }],
  ['/user/get_users', { handler: getUsers }],
  ['/user/update_user_info_ex', { handler: updateUserInfoEx }],
  ['/user/account_check', { handler: accountCheck }],
  ['/friend/import_friend', { handler: importFriend }],
  ['/friend/add_friend', { handler: addFriend }],
  ['/friend/add_friend_response', { handler: addFriendResponse }],
  ['/friend/delete_friend', { handler: deleteFriend }],
  ['/friend/get_friend_list', { handler: getFriendList }],
  ['/friend/get_designated_friends', { handler: getDesignatedFriends }],
  ['/friend/is_friend', { handler: isFriend }],
  ['/friend/set_friend_remark', { handler: setFriendRemark }],
  ['/friend/update_friends', { handler: updateFriends }],
  ['/friend/get_friend_apply_list', { handler: getFriendApplyList }],
  ['/friend/get_self_friend_apply_list', { handler: getSelfFriendApplyList }],
  ['/friend/get_designated_friend_apply', { handler: getDesignatedFriendApply }],
  ['/friend/get_friend_id', { handler: getFriendId }],
  ['/friend/add_black', { handler: addBlack }],
  ['/friend/remove_black', { handler: removeBlack }],
  ['/friend/get_black_list', { handler: getBlackList }],
  ['/friend/get_specified_blacks', { handler: getSpecifiedBlacks, available: from381 }],
  ['/group/create_group', { handler: createGroup }],
  ['/group/dismiss_group', { handler: dismissGroup }],
  ['/group/invite_user_to_group', { handler: inviteUserToGroup }],
  ['/group/kick_group', { handler: kickGroup }],
  ['/group/get_group_members_info', { handler: getGroupMembersInfo }],
  ['/group/get_group_member_list', { handler: getGroupMemberList }],
  ['/group/get_groups_info', { handler: getGroupsInfo }],
  ['/group/get_groups', { handler: getGroups }],
  ['/group/mute_group_member', { handler: muteGroupMember }],
  ['/group/cancel_mute_group_member', { handler: cancelMuteGroupMember }],
  ['/group/mute_group', { handler: setGroupStatus(3) }],
  ['/group/cancel_mute_group', { handler: setGroupStatus(0) }],
  ['/group/set_group_member_info', { handler: setGroupMemberInfo }],
  ['/msg/send_msg', { handler: sendMsg }],
  ['/msg/clear_conversation_msg', { handler: clearConversationMsg }],
  ['/conversation/get_sorted_conversation_list', { handler: getSortedConversationList }],
  ['/conversation/get_all_conversations', { handler: getAllConversations }],
  ['/conversation/set_conversations', { handler: setConversations }],
  ['/conversation/get_owner_conversation', { handler: getOwnerConversation, available: from380 }],
  ['/conversation/get_conversations', { handler: getConversations }],
]);
