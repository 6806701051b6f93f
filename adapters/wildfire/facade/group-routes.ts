/**
 * `/admin/group/*` (vendor note §6) on the unified rooms facet, kind `group`: create, dismiss,
 * info, whole-group mute (modify type 3), member list/get/add/del, managers, and the pro-only
 * per-member mute (`manager/mute`, type 3) and mute whitelist (`manager/allow`, type 5), where
 * `is_manager` is the on/off flag. Member add is Wildfire's upsert: a member re-added with another
 * type takes that type (re-adding a manager as 0 demotes it).
 */
import type { Backend, Room } from '../../../src/spec/index.js';
import { type Answer, type Json, MEMBER_TYPE, bool, fail, int, isAnswer, list, nonEmpty, ok, readGroupCreate, str } from '../protocol/wire.js';
import { route, type FacadeRoute } from './facade-route.js';
import { generatedId } from './generated-id.js';
import { requireOption } from './require-option.js';
import { groupRef, memberStates, memberType, requireTypeCapabilities, setMemberType, throwFirstFailure, type MemberState } from './group-members.js';

interface MemberEntry {
  uid: string;
  type: number;
}

/** group/create and member/add entries: the owner is forced to 2, any other 2 becomes 0, 1/3/5 kept (§6). */
function memberEntries(entries: unknown[], owner: string): MemberEntry[] {
  const byUid = new Map<string, MemberEntry>();
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    const uid = str(entry as Json, 'member_id');
    if (!nonEmpty(uid)) continue;
    let type = int(entry as Json, 'type');
    if (uid === owner) type = MEMBER_TYPE.owner;
    else if (type === MEMBER_TYPE.owner) type = MEMBER_TYPE.normal;
    // A later entry for the same member rewrites the earlier one, as the upsert does.
    byUid.set(uid, { uid, type });
  }
  return [...byUid.values()];
}

function groupInfo(room: Room): Json {
  // GroupInfo field order. The unified room keeps no type, portrait, extra or join settings: a
  // restricted group (type 2, what the mobile clients create) with defaults. max_member_count
  // carries the current member count, as the community server fills it.
  return {
    target_id: room.id,
    name: room.name,
    portrait: '',
    owner: room.owner,
    type: 2,
    extra: '',
    mute: room.muteAll ? 1 : 0,
    join_type: 0,
    private_chat: 0,
    searchable: 0,
    history_message: 0,
    max_member_count: room.memberCount,
    super_group: false,
  };
}

function memberResult(state: MemberState, at: number): Json {
  return { member_id: state.uid, alias: '', type: memberType(state), extra: '', createDt: at };
}

/** Brings every named member (already in the group) to the type its entry asks for. */
async function applyTypes(backend: Backend, groupId: string, entries: MemberEntry[]): Promise<void> {
  const room = groupRef(groupId);
  const states = new Map((await memberStates(backend, room)).map((state) => [state.uid, state]));
  for (const entry of entries) {
    const state = states.get(entry.uid);
    if (state && memberType(state) !== entry.type) await setMemberType(backend, room, state, entry.type);
  }
}

/** The common checks of manager/set, manager/mute and manager/allow: 251, 253, 248 for the owner (§6). */
async function switchTargets(backend: Backend, body: Json): Promise<{ groupId: string; states: MemberState[]; on: boolean } | Answer> {
  const groupId = str(body, 'group_id');
  const members = list(body, 'members');
  if (!nonEmpty(groupId) || !members || members.length === 0) return fail(251);
  const room = await backend.rooms.get(groupRef(groupId));
  const uids = members.map(String);
  if (uids.includes(room.owner)) return fail(248);
  const wanted = new Set(uids);
  // Non-members are ignored.
  const states = (await memberStates(backend, groupRef(groupId))).filter((state) => wanted.has(state.uid));
  return { groupId, states, on: bool(body, 'is_manager') };
}

/** manager/set, /mute, /allow: on → the route's type; off → 0 (manager/set off also clears 3 and 5; mute/allow off only their own). */
function memberSwitch(onType: number, offClears: (type: number) => boolean): FacadeRoute['run'] {
  return async (body, backend) => {
    requireTypeCapabilities(backend, [onType]);
    const targets = await switchTargets(backend, body);
    if ('code' in targets) return targets;
    for (const state of targets.states) {
      const type = memberType(state);
      if (targets.on && type !== onType) await setMemberType(backend, groupRef(targets.groupId), state, onType);
      else if (!targets.on && offClears(type)) await setMemberType(backend, groupRef(targets.groupId), state, MEMBER_TYPE.normal);
    }
    return ok();
  };
}

export function groupRoutes(): FacadeRoute[] {
  return [
    route('/admin/group/create', async (body, backend) => {
      const read = readGroupCreate(body);
      if (isAnswer(read)) return read;
      const { group: groupBody, info, owner } = read;
      const id = read.targetId ?? generatedId();
      // A group without an owner cannot exist in the unified model.
      if (!nonEmpty(owner)) return fail(251);
      const entries = memberEntries(list(groupBody, 'members') ?? [], owner);
      requireTypeCapabilities(backend, entries.map((entry) => entry.type));
      requireOption(backend, 'groups.create', 'id');
      await backend.rooms.create('group', {
        id,
        name: str(info, 'name') ?? '',
        owner,
        members: entries.filter((entry) => entry.uid !== owner).map((entry) => entry.uid),
      });
      const typed = entries.filter((entry) => entry.type !== MEMBER_TYPE.normal && entry.type !== MEMBER_TYPE.owner);
      if (typed.length > 0) await applyTypes(backend, id, typed);
      // Wildfire's whole-group mute may be set at creation too.
      if (int(info, 'mute') === 1) await backend.rooms.setMuteAll(groupRef(id), true);
      return ok({ group_id: id });
    }),

    route('/admin/group/del', async (body, backend) => {
      const operator = str(body, 'operator');
      const groupId = str(body, 'group_id');
      if (!nonEmpty(operator) || !nonEmpty(groupId)) return fail(251);
      await backend.rooms.dismiss(groupRef(groupId));
      return ok();
    }),

    route('/admin/group/get_info', async (body, backend) => {
      const groupId = str(body, 'groupId');
      if (!nonEmpty(groupId)) return fail(253);
      return ok(groupInfo(await backend.rooms.get(groupRef(groupId))));
    }),

    route('/admin/group/modify', async (body, backend) => {
      const groupId = str(body, 'group_id');
      if (!nonEmpty(groupId)) return fail(253);
      const modifyType = int(body, 'type');
      if (modifyType === 3) {
        const value = (str(body, 'value') ?? '').trim();
        await backend.rooms.setMuteAll(groupRef(groupId), /^-?\d+$/.test(value) && Number(value) === 1);
        return ok();
      }
      await backend.rooms.get(groupRef(groupId));
      // Name, portrait, extra and the join/chat/search/history settings have no unified operation.
      return modifyType >= 0 && modifyType <= 7 ? fail(254) : fail(251);
    }),

    route('/admin/group/member/list', async (body, backend) => {
      const groupId = str(body, 'groupId');
      if (!nonEmpty(groupId)) return fail(253);
      const at = Date.now();
      return ok({ members: (await memberStates(backend, groupRef(groupId))).map((state) => memberResult(state, at)) });
    }),

    route('/admin/group/member/get', async (body, backend) => {
      const groupId = str(body, 'groupId');
      const memberId = str(body, 'memberId') ?? '';
      if (!nonEmpty(groupId)) return fail(253);
      const state = (await memberStates(backend, groupRef(groupId))).find((candidate) => candidate.uid === memberId);
      return state ? ok(memberResult(state, Date.now())) : fail(253);
    }),

    route('/admin/group/member/add', async (body, backend) => {
      const groupId = str(body, 'group_id');
      const members = list(body, 'members');
      if (!nonEmpty(groupId) || !members || members.length === 0) return fail(251);
      const room = await backend.rooms.get(groupRef(groupId));
      const entries = memberEntries(members, room.owner);
      requireTypeCapabilities(backend, entries.map((entry) => entry.type));
      const current = new Set((await memberStates(backend, groupRef(groupId))).map((state) => state.uid));
      const joining = entries.filter((entry) => !current.has(entry.uid)).map((entry) => entry.uid);
      if (joining.length > 0) throwFirstFailure(await backend.rooms.members.add(groupRef(groupId), joining));
      // Upsert: every named member takes its entry's type, existing ones included.
      await applyTypes(backend, groupId, entries);
      return ok();
    }),

    route('/admin/group/member/del', async (body, backend) => {
      const groupId = str(body, 'group_id');
      const members = list(body, 'members');
      if (!nonEmpty(groupId) || !members || members.length === 0) return fail(251);
      const room = await backend.rooms.get(groupRef(groupId));
      const uids = [...new Set(members.map(String))];
      // Wildfire's admin may kick the owner, leaving an ownerless group; no backend can hold that.
      if (uids.includes(room.owner)) return fail(248);
      const current = new Set((await memberStates(backend, groupRef(groupId))).map((state) => state.uid));
      // Non-members: success, nothing to do.
      const leaving = uids.filter((uid) => current.has(uid));
      if (leaving.length > 0) throwFirstFailure(await backend.rooms.members.remove(groupRef(groupId), leaving));
      return ok();
    }),

    route('/admin/group/manager/set', memberSwitch(MEMBER_TYPE.manager, () => true)),
    route('/admin/group/manager/mute', memberSwitch(MEMBER_TYPE.silent, (type) => type === MEMBER_TYPE.silent), { pro: true }),
    route('/admin/group/manager/allow', memberSwitch(MEMBER_TYPE.allowed, (type) => type === MEMBER_TYPE.allowed), { pro: true }),
  ];
}
