/**
 * `/group/*` (vendor note §9) on the rooms facet, kind `group`. Callers hold admin tokens (the
 * facade issues no others), so OpenIM's owner/admin permission checks never refuse here.
 */
import { isOptionSupported, type Backend, type Member, type Room, type RoomRef } from '../../../src/spec/index.js';
import {
  WireError,
  argsError,
  integer,
  mongoRegex,
  nilIfEmpty,
  noPermission,
  notFound,
  object,
  objects,
  optionalInteger,
  optionalText,
  pageOf,
  pagination,
  requireDistinct,
  text,
  texts,
  type Body,
} from '../protocol/wire.js';
import { randomInt } from 'node:crypto';
import { translate } from './errors.js';
import type { RouteContext, RouteHandler, RouteTable } from './route-context.js';
import { MUTE_FOREVER_SECONDS, findUser, groupInfo, memberInfo } from './wire-shapes.js';
import { listAll } from '../../../src/facade-kit/index.js';

const group = (id: string): RoomRef => ({ kind: 'group', id });

/** The group, or OpenIM's 1004 for an unknown one (a dismissed group is gone from a backend). */
async function requireGroup(backend: Backend, groupID: string): Promise<Room> {
  return translate(() => backend.rooms.get(group(groupID)), { GROUP_NOT_FOUND: 1004, INVALID_ID: 1004 });
}

async function membersOf(backend: Backend, groupID: string): Promise<Member[]> {
  return translate(() => listAll((options) => backend.rooms.members.list(group(groupID), options)), { GROUP_NOT_FOUND: null, INVALID_ID: null }, []);
}

async function memberInfos(context: RouteContext, groupID: string, members: Member[]): Promise<Body[]> {
  const infos: Body[] = [];
  for (const member of members) infos.push(memberInfo(groupID, member, await translate(() => findUser(context.backend, member.uid)), context.operator, context.now));
  return infos;
}

/** A 10-digit numeric id, as OpenIM generates for an empty `groupID` (note §9). */
async function generatedGroupId(backend: Backend): Promise<string> {
  for (;;) {
    const id = String(randomInt(1_000_000_000, 9_999_999_999));
    const taken = await translate(() => backend.rooms.get(group(id)).then(() => true), { GROUP_NOT_FOUND: null }, false);
    if (!taken) return id;
  }
}

const createGroup: RouteHandler = async ({ backend, body, operator }) => {
  const owner = text(body, 'ownerUserID');
  const memberIDs = texts(body, 'memberUserIDs');
  const adminIDs = texts(body, 'adminUserIDs');
  const info = object(body, 'groupInfo');
  if (!info) throw argsError('groupInfo is empty');
  if (owner === '') throw argsError('ownerUserID is empty');
  if (integer(info, 'groupType') !== 2) throw argsError('groupType is invalid');
  const everyone = [owner, ...adminIDs, ...memberIDs];
  requireDistinct(everyone, 'userIDs');
  for (const userID of everyone) {
    if (!(await translate(() => findUser(backend, userID)))) throw new WireError(1101, `user not found: ${userID}`);
  }
  let groupID = text(info, 'groupID');
  if (groupID !== '') {
    const taken = await translate(() => backend.rooms.get(group(groupID)).then(() => true), { GROUP_NOT_FOUND: null, INVALID_ID: null }, false);
    if (taken) throw new WireError(1202, `group id existed: ${groupID}`);
  } else if (isOptionSupported(backend.capabilities, 'groups.create', 'id')) {
    groupID = await generatedGroupId(backend);
  }
  let room = await translate(
    () => backend.rooms.create('group', { ...(groupID === '' ? {} : { id: groupID }), name: text(info, 'groupName'), owner, members: [...adminIDs, ...memberIDs] }),
    { ALREADY_EXISTS: 1202, USER_NOT_FOUND: 1101 },
  );
  for (const adminID of adminIDs) await translate(() => backend.rooms.members.setRole(group(room.id), adminID, 'admin'));
  if (adminIDs.length > 0) room = await requireGroup(backend, room.id);
  // Quirk: an admin caller is not made a member but is counted in the answer (note §9).
  const callerCounted = everyone.includes(operator) ? 0 : 1;
  return { groupInfo: groupInfo(room, operator, room.memberCount + callerCounted) };
};

const dismissGroup: RouteHandler = async ({ backend, body }) => {
  const groupID = text(body, 'groupID');
  await requireGroup(backend, groupID);
  await translate(() => backend.rooms.dismiss(group(groupID)), { GROUP_NOT_FOUND: 1004 });
  return undefined;
};

const inviteUserToGroup: RouteHandler = async ({ backend, body }) => {
  const groupID = text(body, 'groupID');
  const invited = texts(body, 'invitedUserIDs');
  if (invited.length === 0) throw argsError('invitedUserIDs is empty');
  requireDistinct(invited, 'invitedUserIDs');
  await requireGroup(backend, groupID);
  for (const userID of invited) {
    if (!(await translate(() => findUser(backend, userID)))) throw notFound(`user not found: ${userID}`);
  }
  const members = new Set((await membersOf(backend, groupID)).map((member) => member.uid));
  const already = invited.find((userID) => members.has(userID));
  if (already !== undefined) {
    // OpenIM's unique index refuses an existing member row: a 500 (note §9).
    throw new WireError(
      500,
      `write exception: write errors: [E11000 duplicate key error collection: openim_v3.group_member index: group_id_1_user_id_1 dup key: { group_id: "${groupID}", user_id: "${already}" }]`,
    );
  }
  const result = await translate(() => backend.rooms.members.add(group(groupID), invited));
  const failed = result.results.find((item) => !item.ok);
  if (failed?.error) throw new WireError(failed.error.code === 'USER_NOT_FOUND' ? 1004 : 500, failed.error.message);
  return undefined;
};

const kickGroup: RouteHandler = async ({ backend, body, operator }) => {
  const groupID = text(body, 'groupID');
  const kicked = texts(body, 'kickedUserIDs');
  if (kicked.length === 0) throw argsError('kickedUserIDs is empty');
  requireDistinct(kicked, 'kickedUserIDs');
  const room = await requireGroup(backend, groupID);
  if (kicked.includes(operator) || kicked.includes(room.owner)) throw argsError('can not kick yourself or the owner');
  const members = new Set((await membersOf(backend, groupID)).map((member) => member.uid));
  for (const userID of kicked) if (!members.has(userID)) throw new WireError(1101, `user not in group: ${userID}`);
  const result = await translate(() => backend.rooms.members.remove(group(groupID), kicked));
  const failed = result.results.find((item) => !item.ok);
  if (failed?.error) throw new WireError(500, failed.error.message);
  return undefined;
};

const getGroupMembersInfo: RouteHandler = async (context) => {
  const groupID = text(context.body, 'groupID');
  const userIDs = texts(context.body, 'userIDs');
  if (userIDs.length === 0) throw argsError('userIDs empty');
  const members = await membersOf(context.backend, groupID);
  const found = userIDs.map((userID) => members.find((member) => member.uid === userID)).filter((member): member is Member => member !== undefined);
  return { members: nilIfEmpty(await memberInfos(context, groupID, found)) };
};

const getGroupMemberList: RouteHandler = async (context) => {
  const groupID = text(context.body, 'groupID');
  const page = pagination(context.body);
  await requireGroup(context.backend, groupID);
  const keyword = text(context.body, 'keyword');
  const rank = { owner: 0, admin: 1, member: 2 } as const;
  const members: Member[] = [];
  for (const member of await membersOf(context.backend, groupID)) {
    const nickname = (await translate(() => findUser(context.backend, member.uid)))?.name ?? member.uid;
    if (keyword === '' || nickname.includes(keyword) || member.uid.includes(keyword)) members.push(member);
  }
  // Owner, admins, members; the backend's order (join order) within a role.
  const sorted = members.map((member, index) => ({ member, index })).sort((first, second) => rank[first.member.role] - rank[second.member.role] || first.index - second.index);
  return { total: sorted.length, members: nilIfEmpty(await memberInfos(context, groupID, pageOf(sorted.map((entry) => entry.member), page))) };
};

const getGroupsInfo: RouteHandler = async ({ backend, body, operator }) => {
  const groupIDs = texts(body, 'groupIDs');
  if (groupIDs.length === 0) throw argsError('groupIDs is empty');
  const infos: Body[] = [];
  for (const groupID of groupIDs) {
    const room = await translate(() => backend.rooms.get(group(groupID)), { GROUP_NOT_FOUND: null, INVALID_ID: null }, null);
    if (room) infos.push(groupInfo(room, operator));
  }
  return { groupInfos: nilIfEmpty(infos) };
};

/**
 * `/group/get_groups` (note §14) over rooms.list: with `groupID` that group alone, else every
 * group whose name matches `groupName` as a regex, in the backend's order; each with its owner.
 */
const getGroups: RouteHandler = async ({ backend, body, operator }) => {
  const page = pagination(body);
  const groupID = text(body, 'groupID');
  const entry = async (room: Room): Promise<Body> => ({
    groupInfo: groupInfo(room, operator),
    groupOwnerUserName: (await translate(() => findUser(backend, room.owner)))?.name ?? room.owner,
    groupOwnerUserID: room.owner,
  });
  if (groupID !== '') {
    const room = await translate(() => backend.rooms.get(group(groupID)), { GROUP_NOT_FOUND: null, INVALID_ID: null }, null);
    return { total: room ? 1 : 0, groups: nilIfEmpty(room ? [await entry(room)] : []) };
  }
  const name = mongoRegex(text(body, 'groupName'), '');
  const rooms = (await translate(() => listAll((options) => backend.rooms.list('group', options)))).filter((room) => name.test(room.name));
  const entries: Body[] = [];
  for (const room of pageOf(rooms, page)) entries.push(await entry(room));
  return { total: rooms.length, groups: nilIfEmpty(entries) };
};

/** The group and the member a mute route names: unknown group or non-member → 1004 (note §9). */
async function targetMember(backend: Backend, body: Body): Promise<{ groupID: string; userID: string }> {
  const groupID = text(body, 'groupID');
  const userID = text(body, 'userID');
  await requireGroup(backend, groupID);
  if (!(await membersOf(backend, groupID)).some((member) => member.uid === userID)) throw notFound(`member not found: ${userID}`);
  return { groupID, userID };
}

const muteGroupMember: RouteHandler = async ({ backend, body }) => {
  const mutedSeconds = integer(body, 'mutedSeconds', 'uint32', 0, MUTE_FOREVER_SECONDS);
  if (mutedSeconds <= 0) throw argsError('mutedSeconds is invalid');
  const { groupID, userID } = await targetMember(backend, body);
  // The uint32 maximum is how OpenIM clients (and imbridge's OpenIM adapter) say "until unmuted".
  await translate(() => backend.rooms.mutes.set(group(groupID), userID, mutedSeconds === MUTE_FOREVER_SECONDS ? null : mutedSeconds), { NOT_MEMBER: 1004 });
  return undefined;
};

const cancelMuteGroupMember: RouteHandler = async ({ backend, body }) => {
  const { groupID, userID } = await targetMember(backend, body);
  await translate(() => backend.rooms.mutes.remove(group(groupID), userID), { NOT_MEMBER: 1004 });
  return undefined;
};

function setMuteAll(on: boolean): RouteHandler {
  return async ({ backend, body }) => {
    const groupID = text(body, 'groupID');
    await requireGroup(backend, groupID);
    await translate(() => backend.rooms.setMuteAll(group(groupID), on), { GROUP_NOT_FOUND: 1004 });
    return undefined;
  };
}

const setGroupMemberInfo: RouteHandler = async ({ backend, body }) => {
  const items = objects(body, 'members');
  if (items.length === 0) throw argsError('members is empty');
  const changes: Array<{ groupID: string; userID: string; roleLevel: number | undefined }> = [];
  for (const item of items) {
    const groupID = text(item, 'groupID');
    const userID = text(item, 'userID');
    const roleLevel = optionalInteger(item, 'roleLevel');
    if (roleLevel === 100) throw noPermission('can not set owner, use transfer_group');
    if (roleLevel !== undefined && roleLevel !== 60 && roleLevel !== 20) throw argsError('roleLevel is invalid');
    // Member nickname, faceURL and ex have no unified word: decoded, not stored (README).
    optionalText(item, 'nickname');
    optionalText(item, 'faceURL');
    optionalText(item, 'ex');
    await requireGroup(backend, groupID);
    if (!(await membersOf(backend, groupID)).some((member) => member.uid === userID)) throw argsError(`user not in group: ${userID}`);
    changes.push({ groupID, userID, roleLevel });
  }
  for (const change of changes) {
    if (change.roleLevel === undefined) continue;
    const role = change.roleLevel === 60 ? 'admin' : 'member';
    await translate(() => backend.rooms.members.setRole(group(change.groupID), change.userID, role), { NOT_MEMBER: 1001 });
  }
  return undefined;
};

export const GROUP_ROUTES: RouteTable = [
  ['/group/create_group', createGroup],
  ['/group/dismiss_group', dismissGroup],
  ['/group/invite_user_to_group', inviteUserToGroup],
  ['/group/kick_group', kickGroup],
  ['/group/get_group_members_info', getGroupMembersInfo],
  ['/group/get_group_member_list', getGroupMemberList],
  ['/group/get_groups_info', getGroupsInfo],
  ['/group/get_groups', getGroups],
  ['/group/mute_group_member', muteGroupMember],
  ['/group/cancel_mute_group_member', cancelMuteGroupMember],
  ['/group/mute_group', setMuteAll(true)],
  ['/group/cancel_mute_group', setMuteAll(false)],
  ['/group/set_group_member_info', setGroupMemberInfo],
];
