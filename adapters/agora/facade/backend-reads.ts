/**
 * Reads the routes need before they act, answered with the vendor's refusals: a user that must
 * exist (404 `service_resource_not_found`), a room that must exist (404 `resource_not_found`
 * "grpID X does not exist!"), and whole lists fetched page by page.
 */
import { ImBridgeError, type Backend, type Member, type Room, type RoomKind, type RoomRef, type User } from '../../../src/spec/index.js';
import { TEXTS, USERNAME, USERNAME_MAX_BYTES } from '../protocol/wire.js';
import { refuse } from './errors.js';
import type { FacadeCall } from './route-kit.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** The two room resources of Agora (§8, §9) and their unified kind. */
export type RoomResource = 'chatgroups' | 'chatrooms';

export function kindOf(resource: RoomResource): RoomKind {
  return resource === 'chatgroups' ? 'group' : 'chatroom';
}

/** A name Agora could have registered (§1); anything else cannot exist there. */
export function isUsername(name: string): boolean {
  return name !== '' && USERNAME.test(name) && Buffer.byteLength(name) <= USERNAME_MAX_BYTES;
}

function isMissing(error: unknown): boolean {
  return error instanceof ImBridgeError && (error.code === 'USER_NOT_FOUND' || error.code === 'GROUP_NOT_FOUND' || error.code === 'INVALID_ID');
}

/** The user, or null when the backend has none by that name. */
export async function findUser(backend: Backend, uid: string): Promise<User | null> {
  if (!isUsername(uid)) return null;
  try {
    return await backend.users.get(uid);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** §2: a user named in the path that does not exist is 404 `service_resource_not_found`. */
export async function requireUser(backend: Backend, uid: string): Promise<User> {
  const user = await findUser(backend, uid);
  if (user === null) refuse(404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
  return user;
}

export interface RoomTarget {
  ref: RoomRef;
  room: Room;
  isGroup: boolean;
  /** The id key of allow-list and ban answers (§10, §12): `groupid` or `chatroomid`. */
  idKey: 'groupid' | 'chatroomid';
  /** The id key of member answers (§8, §9): `groupid` or `id`. */
  memberIdKey: 'groupid' | 'id';
}

/** The room of a `/{resource}/{id}/…` route; 404 `resource_not_found` when it does not exist. */
export async function requireRoom(call: FacadeCall, resource: RoomResource, id: string): Promise<RoomTarget> {
  const isGroup = resource === 'chatgroups';
  call.context.room = { id, isGroup };
  const ref: RoomRef = { kind: kindOf(resource), id };
  let room: Room;
  try {
    room = await call.backend.rooms.get(ref);
  } catch (error) {
    if (isMissing(error)) refuse(404, 'resource_not_found', TEXTS.roomMissing(id));
    throw error;
  }
  return { ref, room, isGroup, idKey: isGroup ? 'groupid' : 'chatroomid', memberIdKey: isGroup ? 'groupid' : 'id' };
}

/** The room's affiliations, owner first (§8: `[{"owner":…},{"member":…}]`). */
export async function membersOf(backend: Backend, target: RoomTarget): Promise<Member[]> {
  const members = await listAll((options) => backend.rooms.members.list(target.ref, options));
  const owner = members.filter((member) => member.uid === target.room.owner);
  return [...owner, ...members.filter((member) => member.uid !== target.room.owner)];
}

export function affiliations(members: readonly Member[], owner: string): Array<Record<string, string>> {
  return members.map((member): Record<string, string> => (member.uid === owner ? { owner: member.uid } : { member: member.uid }));
}
