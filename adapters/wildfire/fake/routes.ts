/**
 * The admin actions of the fake Wildfire server, one function per route, with the community
 * server's semantics and quirks (vendor note §5–§10) and the pro-only routes marked. Each action
 * gets the Gson-lenient body and answers an envelope; a JavaException becomes the server's
 * HTTP 500 with the exception text.
 */
import { randomBytes } from 'node:crypto';
import type { FakeGroup, FakeMember, FakeUser, WildfireFakeState } from './fake-state.js';

import {
  type Answer,
  ERROR_TEXT,
  JavaException,
  type Json,
  NPE,
  USER_NAME_CLASH,
  bool,
  fail,
  int,
  isAnswer,
  list,
  nonEmpty,
  obj,
  ok,
  readFriendRequest,
  readGroupCreate,
  readMessageSend,
  str,
} from '../protocol/wire.js';

// The wire helpers live in ../protocol.ts (shared with the client and the compat facade).
export { ERROR_TEXT, JavaException, NPE, USER_NAME_CLASH, bool, fail, int, list, obj, ok, str, type Answer, type Json };

/** The server's hard-coded window for the one quick repeat of a friend request (MemoryMessagesStore.java:3347-3352). */
const REPEAT_GRACE_MS = 5 * 60_000;

function shortId(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}

// ---- the actions -----------------------------------------------------------------------------------

export interface FakeBehaviour {
  now(): number;
  /** `friend.disable_friend_request`. */
  disableFriendRequest: boolean;
  /** `friend.repeat_request_duration` in ms. */
  repeatRequestDurationMs: number;
  /** `friend.reject_request_duration` in ms. */
  rejectRequestDurationMs: number;
}

export interface Route {
  /** Implemented by the pro edition only: a community server answers HTTP 500 with an empty body. */
  pro: boolean;
  run(body: Json): Answer;
}

function userResult(user: FakeUser): Json {
  return {
    userId: user.userId,
    name: user.name,
    displayName: user.displayName,
    portrait: user.portrait,
    gender: user.gender,
    mobile: user.mobile,
    email: user.email,
    address: user.address,
    company: user.company,
    social: user.social,
    extra: user.extra,
    type: user.type,
    updateDt: user.updateDt,
  };
}

function memberResult(member: FakeMember): Json {
  return { member_id: member.member_id, alias: member.alias, type: member.type, extra: member.extra, createDt: member.createDt };
}

export function buildRoutes(state: WildfireFakeState, behaviour: FakeBehaviour): Map<string, Route> {
  const routes = new Map<string, Route>();
  const community = (path: string, run: (body: Json) => Answer) => routes.set(path, { pro: false, run });
  const pro = (path: string, run: (body: Json) => Answer) => routes.set(path, { pro: true, run });
  const now = () => behaviour.now();

  // ---- users (§7) ----
  community('/admin/user/create', (body) => {
    const name = str(body, 'name');
    if (!nonEmpty(name)) return fail(251);
    const type = int(body, 'type');
    if (![0, 3, 100].includes(type)) return fail(251);
    const userId = nonEmpty(str(body, 'userId')) ? str(body, 'userId')! : shortId();
    for (const other of state.users.values()) {
      if (other.userId !== userId && !other.deleted && other.name === name) return { code: 4, msg: USER_NAME_CLASH };
    }
    const displayName = str(body, 'displayName');
    // Full overwrite: every field not sent becomes empty; a destroyed user is revived.
    state.users.set(userId, {
      userId,
      name,
      displayName: displayName === undefined ? '' : displayName === '' ? name : displayName,
      portrait: str(body, 'portrait') ?? '',
      gender: int(body, 'gender'),
      mobile: str(body, 'mobile') ?? '',
      email: str(body, 'email') ?? '',
      address: str(body, 'address') ?? '',
      company: str(body, 'company') ?? '',
      social: str(body, 'social') ?? '',
      extra: str(body, 'extra') ?? '',
      type,
      updateDt: now(),
      deleted: false,
    });
    return ok({ userId, name });
  });

  community('/admin/user/get_info', (body) => {
    const userId = str(body, 'userId');
    const name = str(body, 'name');
    const mobile = str(body, 'mobile');
    let user: FakeUser | undefined;
    if (nonEmpty(userId)) user = state.liveUser(userId);
    else if (nonEmpty(name)) user = [...state.users.values()].find((candidate) => !candidate.deleted && candidate.name === name);
    else if (nonEmpty(mobile)) user = [...state.users.values()].find((candidate) => !candidate.deleted && candidate.mobile === mobile);
    else return fail(251);
    return user ? ok(userResult(user)) : fail(253);
  });

  // §12 GetAllUserAction: `count` > 0 and `offset` ≥ 0 (else 251); the users not destroyed, by
  // creation time — the order of the map, where an overwriting create keeps its place as the
  // upsert keeps `_createTime`.
  community('/admin/user/all', (body) => {
    const count = int(body, 'count');
    const offset = int(body, 'offset');
    if (!(count > 0 && offset >= 0)) return fail(251);
    const live = [...state.users.values()].filter((user) => !user.deleted);
    return ok({ userInfoList: live.slice(offset, offset + count).map(userResult) });
  });

  community('/admin/user/update', (body) => {
    const info = obj(body, 'userInfo');
    if (!info) return fail(251);
    const user = state.liveUser(str(info, 'userId') ?? '');
    if (!user) return fail(253);
    const flag = int(body, 'flag');
    const fields: Array<[number, keyof FakeUser]> = [
      [0x01, 'displayName'], [0x02, 'portrait'], [0x08, 'mobile'], [0x10, 'email'], [0x20, 'address'],
      [0x40, 'company'], [0x80, 'social'], [0x100, 'extra'], [0x200, 'name'],
    ];
    for (const [bit, field] of fields) if (flag & bit) (user as unknown as Json)[field] = str(info, field) ?? '';
    if (flag & 0x04) user.gender = int(info, 'gender');
    user.updateDt = now();
    return ok();
  });

  community('/admin/user/destroy', (body) => {
    const userId = str(body, 'userId');
    if (!nonEmpty(userId)) return fail(251);
    const user = state.users.get(userId);
    if (user) {
      Object.assign(user, { name: userId, displayName: '', portrait: '', mobile: '', email: '', address: '', company: '', social: '', extra: '', deleted: true });
      state.friends.delete(userId);
      for (const rows of state.friends.values()) rows.delete(userId);
      for (const group of state.groups.values()) group.members.delete(userId);
      state.conversations.delete(userId);
    }
    return ok();
  });

  community('/admin/user/update_block_status', (body) => {
    state.userStatus.set(str(body, 'userId') ?? '', int(body, 'status'));
    return ok();
  });
  community('/admin/user/check_block_status', (body) => ok({ status: state.userStatus.get(str(body, 'userId') ?? '') ?? 0 }));
  community('/admin/user/get_blocked_list', () =>
    ok({ statusList: [...state.userStatus].filter(([, status]) => status !== 0).map(([userId, status]) => ({ userId, status })) }),
  );

  // ---- relations (§5) ----
  community('/admin/friend/status', (body) => {
    const userId = str(body, 'userId');
    const friendUid = str(body, 'friendUid');
    if (!nonEmpty(userId) || !nonEmpty(friendUid)) return fail(251);
    const status = int(body, 'status');
    // An absent or empty `extra` is never set on the proto, whose getter then reads "" (FriendRelationAction.java:45-47).
    const extra = str(body, 'extra') ?? '';
    const at = now();
    const forward = state.upsertRow(userId, friendUid, status, at);
    forward.state = status;
    state.touchRow(forward, at);
    // a's row always takes the request's extra, so a call without one blanks it (MemoryMessagesStore.handleFriendRequest :3445-3447).
    forward.extra = extra;
    if (status !== 2) {
      // Two-way: b's row gets the same state; `extra` lands on it only when the row is new (:3466-3471).
      const isNew = state.row(friendUid, userId) === undefined;
      const backward = state.upsertRow(friendUid, userId, status, at);
      backward.state = status;
      state.touchRow(backward, at);
      if (isNew) backward.extra = extra;
    }
    return ok();
  });

  // Sorted by each row's last change, not by when the friendship began (FriendRelationGetAction.java:44).
  community('/admin/friend/list', (body) => ok({ list: state.friendIds(str(body, 'userId') ?? '') }));

  community('/admin/blacklist/status', (body) => {
    const userId = str(body, 'userId');
    const targetUid = str(body, 'targetUid');
    if (!nonEmpty(userId) || !nonEmpty(targetUid)) return fail(251);
    const status = int(body, 'status');
    if (status !== 0 && status !== 1 && status !== 2) return fail(251);
    // MemoryMessagesStore.blackUserRequest (:3562-3603): a missing row is created (state 1) even to unblock,
    // and the row's timestamp is reset, which moves it in friend/list.
    const row = state.upsertRow(userId, targetUid, 1, now());
    row.blacked = status === 2 ? 1 : 0;
    state.touchRow(row, now());
    return ok();
  });

  community('/admin/blacklist/list', (body) => ok({ list: state.blacklistIds(str(body, 'userId') ?? '') }));

  community('/admin/friend/set_alias', (body) => {
    const operator = str(body, 'operator');
    const targetId = str(body, 'targetId');
    if (!nonEmpty(operator) || !nonEmpty(targetId)) return fail(251);
    // Quirk: a missing row is inserted with state 0 — a silent one-way "friend". The row's timestamp is reset (:3625-3660).
    const row = state.upsertRow(operator, targetId, 0, now());
    row.alias = str(body, 'alias') ?? '';
    state.touchRow(row, now());
    return ok({ targetId: '' });
  });

  community('/admin/friend/get_alias', (body) => {
    const operator = str(body, 'operator') ?? '';
    const targetId = str(body, 'targetId') ?? '';
    const row = state.row(operator, targetId);
    return ok(row ? { operator, targetId, alias: row.alias } : { operator, targetId });
  });

  community('/admin/friend/set_extra', (body) => {
    const operator = str(body, 'operator');
    const targetId = str(body, 'targetId');
    if (!nonEmpty(operator) || !nonEmpty(targetId)) return fail(251);
    const row = state.upsertRow(operator, targetId, 0, now());
    row.extra = str(body, 'extra') ?? '';
    state.touchRow(row, now());
    return ok();
  });

  community('/admin/friend/send_request', (body) => {
    const read = readFriendRequest(body);
    if (isAnswer(read)) return read;
    const { userId, friendUid, reason, force } = read;
    // MemoryMessagesStore.saveAddFriendRequest (:3316-3389): force is the admin source, which skips 248, the request checks and 246.
    if (!force && behaviour.disableFriendRequest) return fail(248);
    const key = `${userId}\u0000${friendUid}`;
    const existing = state.requests.get(key);
    if (!force && existing && existing.status !== 1) {
      const age = now() - existing.timestamp;
      if (existing.status === 2 && age < behaviour.rejectRequestDurationMs) return fail(18);
      if (!(behaviour.repeatRequestDurationMs > 0 && age > behaviour.repeatRequestDurationMs)) {
        if (age > REPEAT_GRACE_MS) return fail(16);
        // Within 5 minutes of the last update one repeat goes through (and rewrites the request); the next one is 16.
        const repeated = state.requestRepeats.get(key);
        if (repeated !== undefined && now() - repeated < REPEAT_GRACE_MS) return fail(16);
        state.requestRepeats.set(key, now());
      }
    }
    if (state.row(userId, friendUid)?.state === 0) return fail(23);
    if (!force && (state.row(friendUid, userId)?.blacked ?? 0) > 0) return fail(246);
    state.requests.set(key, { from: userId, to: friendUid, reason, status: 0, timestamp: now() });
    return ok();
  });

  community('/admin/relation/get', (body) => {
    const first = str(body, 'first') ?? '';
    const second = str(body, 'second') ?? '';
    const row = state.row(first, second);
    if (!row) return ok({ userId: first, targetId: second, isFriend: false, isBlacked: false });
    return ok({ userId: first, targetId: second, isFriend: row.state === 0, isBlacked: row.blacked === 1, alias: row.alias, extra: row.extra });
  });

  // ---- groups (§6) ----
  const group = (id: string | undefined): FakeGroup | undefined => (id === undefined ? undefined : state.groups.get(id));

  /** member/add and group/create member handling: owner forced to 2, any other 2 → 0, 1/3/5 kept. */
  const putMember = (target: FakeGroup, entry: Json) => {
    const memberId = str(entry, 'member_id');
    if (!nonEmpty(memberId)) return;
    let type = int(entry, 'type');
    if (memberId === target.info.owner) type = 2;
    else if (type === 2) type = 0;
    // Upsert: an existing member is rewritten (alias/type/extra) and its createDt reset.
    target.members.set(memberId, { member_id: memberId, alias: str(entry, 'alias') ?? '', type, extra: str(entry, 'extra') ?? '', createDt: now() });
  };

  community('/admin/group/create', (body) => {
    const read = readGroupCreate(body);
    if (isAnswer(read)) return read;
    const { group: groupBody, info, type, owner } = read;
    const id = read.targetId ?? shortId();
    if (state.groups.has(id)) return fail(11);
    const created: FakeGroup = {
      info: {
        target_id: id,
        name: str(info, 'name') ?? '',
        portrait: str(info, 'portrait') ?? '',
        owner,
        type,
        extra: str(info, 'extra') ?? '',
        mute: int(info, 'mute'),
        join_type: int(info, 'join_type'),
        private_chat: int(info, 'private_chat'),
        searchable: int(info, 'searchable'),
        history_message: int(info, 'history_message'),
        max_member_count: int(info, 'max_member_count'),
        super_group: bool(info, 'super_group'),
      },
      members: new Map(),
    };
    for (const entry of list(groupBody, 'members') ?? []) if (entry && typeof entry === 'object') putMember(created, entry as Json);
    if (nonEmpty(owner) && !created.members.has(owner)) putMember(created, { member_id: owner, type: 2 });
    state.groups.set(id, created);
    return ok({ group_id: id });
  });

  community('/admin/group/del', (body) => {
    const operator = str(body, 'operator');
    const groupId = str(body, 'group_id');
    if (!nonEmpty(operator) || !nonEmpty(groupId)) return fail(251);
    if (!state.groups.delete(groupId)) return fail(253);
    return ok();
  });

  community('/admin/group/get_info', (body) => {
    const target = group(str(body, 'groupId'));
    if (!target) return fail(253);
    // Quirk: max_member_count carries the current member count.
    return ok({ ...target.info, max_member_count: state.activeMembers(target).length });
  });

  community('/admin/group/modify', (body) => {
    const target = group(str(body, 'group_id'));
    if (!target) return fail(253);
    const value = str(body, 'value') ?? '';
    const asInt = () => (/^-?\d+$/.test(value.trim()) ? Number(value) : 0);
    switch (int(body, 'type')) {
      case 0: target.info.name = value; break;
      case 1: target.info.portrait = value; break;
      case 2: target.info.extra = value; break;
      case 3: target.info.mute = asInt(); break;
      case 4: target.info.join_type = asInt(); break;
      case 5: target.info.private_chat = asInt(); break;
      case 6: target.info.searchable = asInt(); break;
      case 7: target.info.history_message = asInt(); break;
      default: return fail(251);
    }
    return ok();
  });

  community('/admin/group/member/list', (body) => {
    const target = group(str(body, 'groupId'));
    if (!target) return fail(253);
    return ok({ members: state.activeMembers(target).map(memberResult) });
  });

  community('/admin/group/member/get', (body) => {
    const target = group(str(body, 'groupId'));
    const member = target?.members.get(str(body, 'memberId') ?? '');
    if (!member || member.type === 4) return fail(253);
    return ok(memberResult(member));
  });

  community('/admin/group/member/add', (body) => {
    const groupId = str(body, 'group_id');
    const members = list(body, 'members');
    if (!nonEmpty(groupId) || !members || members.length === 0) return fail(251);
    const target = group(groupId);
    if (!target) return fail(253);
    for (const entry of members) if (entry && typeof entry === 'object') putMember(target, entry as Json);
    return ok();
  });

  community('/admin/group/member/del', (body) => {
    const groupId = str(body, 'group_id');
    const members = list(body, 'members');
    if (!nonEmpty(groupId) || !members || members.length === 0) return fail(251);
    const target = group(groupId);
    if (!target) return fail(253);
    // Admin may kick anyone, the owner included; kicked rows become type 4.
    for (const id of members) {
      const member = target.members.get(String(id));
      if (member) member.type = 4;
    }
    return ok();
  });

  community('/admin/group/member/quit', (body) => {
    const operator = str(body, 'operator') ?? '';
    const target = group(str(body, 'group_id'));
    if (!target) return fail(253);
    const member = target.members.get(operator);
    if (!member || member.type === 4) return fail(9);
    member.type = 4;
    if (operator === target.info.owner && target.info.type !== 1) {
      const heir = state.activeMembers(target)[0];
      if (!heir) state.groups.delete(target.info.target_id);
      else {
        heir.type = 2;
        target.info.owner = heir.member_id;
      }
    }
    return ok();
  });

  community('/admin/group/transfer', (body) => {
    const target = group(str(body, 'group_id'));
    if (!target) return fail(253);
    const newOwner = str(body, 'new_owner') ?? '';
    const old = target.members.get(target.info.owner);
    if (old) old.type = 0;
    const next = target.members.get(newOwner);
    if (next) next.type = 2;
    else target.members.set(newOwner, { member_id: newOwner, alias: '', type: 2, extra: '', createDt: now() });
    target.info.owner = newOwner;
    return ok();
  });

  /** manager/set and the PRO mute/allow: `is_manager` is the on/off flag for each. */
  const memberSwitch = (body: Json, onType: number, offResets: (type: number) => boolean): Answer => {
    const groupId = str(body, 'group_id');
    const members = list(body, 'members');
    if (!nonEmpty(groupId) || !members || members.length === 0) return fail(251);
    const target = group(groupId);
    if (!target) return fail(253);
    const ids = members.map(String);
    if (ids.includes(target.info.owner)) return fail(248);
    const on = bool(body, 'is_manager');
    for (const id of ids) {
      const member = target.members.get(id);
      if (!member || member.type === 4) continue;
      if (on) member.type = onType;
      else if (offResets(member.type)) member.type = 0;
    }
    return ok();
  };
  // false also clears 3/5 (§6).
  community('/admin/group/manager/set', (body) => memberSwitch(body, 1, () => true));
  pro('/admin/group/manager/mute', (body) => memberSwitch(body, 3, (type) => type === 3));
  pro('/admin/group/manager/allow', (body) => memberSwitch(body, 5, (type) => type === 5));

  community('/admin/group/of_user', (body) => {
    const userId = str(body, 'userId') ?? '';
    const groupIds = [...state.groups.values()].filter((candidate) => state.activeMembers(candidate).some((member) => member.member_id === userId)).map((candidate) => candidate.info.target_id);
    return ok({ groupIds });
  });

  // ---- messages and conversations (§8, §9) ----
  community('/admin/message/send', (body) => {
    const read = readMessageSend(body);
    if (isAnswer(read)) return read;
    const { conv, sender, payload, type, target } = read;
    const line = int(conv, 'line');
    // Admin sends are checked for group/channel existence only: no blacklist, friendship, mute or membership.
    const targetGroup = type === 1 ? state.groups.get(target) : undefined;
    if (type === 1 && !targetGroup) return fail(253);
    const at = now();
    const messageUid = state.nextMessageUid(at);
    state.messages.push({ messageUid, sender, conv: { type, target, line }, payload, timestamp: at });
    // Only a payload flagged "count" (persistFlag bit 0x02; absent = 0, not persisted) raises the receivers' count (MessagesPublisher.java:318-321).
    const counted = (int(payload, 'persistFlag') & 0x02) !== 0 ? 1 : 0;
    if (type === 0) {
      state.touchConversation(sender, 0, target, line, 0, at);
      if (target !== sender) state.touchConversation(target, 0, sender, line, counted, at);
    } else if (targetGroup) {
      for (const member of state.activeMembers(targetGroup)) {
        state.touchConversation(member.member_id, 1, target, line, member.member_id === sender ? 0 : counted, at);
      }
    }
    return ok({ messageUid, timestamp: at });
  });

  community('/admin/message/get_one', (body) => {
    const wanted = body.messageUid;
    const message = state.messages.find((candidate) => String(candidate.messageUid) === String(wanted));
    if (!message) return fail(253);
    return ok({ messageId: message.messageUid, sender: message.sender, conv: message.conv, payload: message.payload, timestamp: message.timestamp });
  });

  pro('/admin/conversation/delete', (body) => {
    const userId = str(body, 'userId');
    const conversation = obj(body, 'conversation');
    if (!nonEmpty(userId) || !conversation) return fail(251);
    state.deleteConversation(userId, int(conversation, 'type'), str(conversation, 'target') ?? '', int(conversation, 'line'));
    return ok();
  });

  // ---- chat rooms (§10, community part) ----
  community('/admin/chatroom/create', (body) => {
    const title = str(body, 'title');
    if (!nonEmpty(title)) return fail(251);
    const chatroomId = nonEmpty(str(body, 'chatroomId')) ? str(body, 'chatroomId')! : shortId();
    const existing = state.chatrooms.get(chatroomId);
    const at = now();
    if (existing) {
      // Upsert: non-empty fields only, `state` always overwritten.
      existing.title = title;
      for (const field of ['desc', 'portrait', 'extra'] as const) if (nonEmpty(str(body, field))) existing[field] = str(body, field)!;
      existing.state = int(body, 'state');
      existing.updateDt = at;
    } else {
      state.chatrooms.set(chatroomId, {
        chatroomId, title, desc: str(body, 'desc') ?? '', portrait: str(body, 'portrait') ?? '', extra: str(body, 'extra') ?? '',
        state: int(body, 'state'), members: new Set(), createDt: at, updateDt: at,
      });
    }
    return ok({ chatroomId });
  });
  community('/admin/chatroom/del', (body) => {
    const room = state.chatrooms.get(str(body, 'chatroomId') ?? '');
    if (room) {
      room.state = 2;
      room.members.clear();
    }
    return ok();
  });
  community('/admin/chatroom/info', (body) => {
    const room = state.chatrooms.get(str(body, 'chatroomId') ?? '');
    if (!room) return fail(253);
    const { members, ...rest } = room;
    return ok({ ...rest, memberCount: members.size });
  });
  community('/admin/chatroom/members', (body) => {
    const room = state.chatrooms.get(str(body, 'chatroomId') ?? '');
    if (!room || room.members.size === 0) return fail(253);
    return ok({ list: [...room.members] });
  });

  return routes;
}
