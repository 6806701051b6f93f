/**
 * Wildfire keeps ONE type per group member (vendor note §6: 0 normal, 1 manager, 2 owner,
 * 3 silent, 5 allowed); the unified model keeps a role, a mute and a whitelist entry apart. This
 * module reads a member's Wildfire type from the three and brings a member to a wanted type,
 * undoing the conflicting states first (a backend such as Wildfire itself refuses to hold two).
 */
import { fromErrorBody, isSupported, requireCapability, type Backend, type CapabilityName, type ErrorBody, type BatchResult, type MemberRole, type RoomRef } from '../../../src/spec/index.js';
import { MEMBER_TYPE } from '../protocol/wire.js';
import { listAll } from '../../../src/facade-kit/index.js';

export interface MemberState {
  uid: string;
  role: MemberRole;
  muted: boolean;
  allowed: boolean;
}

export function groupRef(id: string): RoomRef {
  return { kind: 'group', id };
}

/** The members in Wildfire's terms, owner first, then by id (the unified list has no join time). */
export async function memberStates(backend: Backend, room: RoomRef): Promise<MemberState[]> {
  const members = await listAll((options) => backend.rooms.members.list(room, options));
  const allowed = isSupported(backend.capabilities, 'groups.whitelist.list')
    ? new Set((await listAll((options) => backend.rooms.whitelist.list(room, options))).map((entry) => entry.uid))
    : new Set<string>();
  return members
    .map((member) => ({ uid: member.uid, role: member.role, muted: member.mutedUntil !== null, allowed: allowed.has(member.uid) }))
    .sort((left, right) => Number(right.role === 'owner') - Number(left.role === 'owner') || left.uid.localeCompare(right.uid));
}

/** The one type Wildfire would show; a muted admin reads as silent, since a mute wins when sending. */
export function memberType(state: MemberState): number {
  if (state.role === 'owner') return MEMBER_TYPE.owner;
  if (state.muted) return MEMBER_TYPE.silent;
  if (state.role === 'admin') return MEMBER_TYPE.manager;
  if (state.allowed) return MEMBER_TYPE.allowed;
  return MEMBER_TYPE.normal;
}

/** Brings a non-owner member to `wanted` (0, 1, 3 or 5), clearing what that type excludes before setting it. */
export async function setMemberType(backend: Backend, room: RoomRef, state: MemberState, wanted: number): Promise<void> {
  if (state.role === 'owner') return;
  if (state.muted && wanted !== MEMBER_TYPE.silent) await backend.rooms.mutes.remove(room, state.uid);
  if (state.allowed && wanted !== MEMBER_TYPE.allowed) await backend.rooms.whitelist.remove(room, state.uid);
  if (state.role === 'admin' && wanted !== MEMBER_TYPE.manager) await backend.rooms.members.setRole(room, state.uid, 'member');
  if (wanted === MEMBER_TYPE.manager && state.role !== 'admin') await backend.rooms.members.setRole(room, state.uid, 'admin');
  if (wanted === MEMBER_TYPE.silent && !state.muted) await backend.rooms.mutes.set(room, state.uid, null);
  if (wanted === MEMBER_TYPE.allowed && !state.allowed) throwFirstFailure(await backend.rooms.whitelist.add(room, [state.uid]));
}

/** Wildfire calls are all-or-error: the first failed item of a batch becomes the call's error. */
export function throwFirstFailure(result: BatchResult): void {
  const failed = result.results.find((item) => !item.ok);
  if (failed?.error) throw fromErrorBody(failed.error as ErrorBody);
}

/** The operations bringing members to these types need; checked before any change, so an unsupported type changes nothing. */
export function requireTypeCapabilities(backend: Backend, types: Iterable<number>): void {
  const needed = new Set<CapabilityName>();
  for (const type of types) {
    if (type === MEMBER_TYPE.manager) needed.add('groups.members.setRole');
    if (type === MEMBER_TYPE.silent) needed.add('groups.mutes.set');
    if (type === MEMBER_TYPE.allowed) needed.add('groups.whitelist.add');
  }
  for (const name of needed) requireCapability(backend.capabilities, backend.vendor, name);
}
