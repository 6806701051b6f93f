/**
 * What a write touches, as keys: `user:<uid>` and `room:<kind>:<id>`. The mirror delivers the
 * writes of one key to the secondary in the order the primary took them, and a write whose keys
 * have queued writes waits behind them. A room write also names the users it adds, mutes or
 * lists, and a send or a conversation delete its peer, because their order with those users'
 * own writes changes the outcome (a user must exist before joining; a later message revives a
 * deleted conversation).
 *
 * The contract's writes are read by position. A method this table does not know yet is keyed by
 * every string it carries, as a user and as a room of each kind: too many keys only make writes
 * wait for each other, too few could reorder them.
 */
import type { RoomKind } from '../../../src/spec/index.js';

type KeyRule = (args: readonly unknown[]) => string[];

const ROOM_KINDS: readonly RoomKind[] = ['group', 'chatroom'];

function isRoomKind(value: unknown): value is RoomKind {
  return value === 'group' || value === 'chatroom';
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

const user = (value: unknown): string[] => (typeof value === 'string' ? [`user:${value}`] : []);
const users = (value: unknown): string[] => (Array.isArray(value) ? value.flatMap(user) : []);
const roomOf = (kind: unknown, id: unknown): string[] => (isRoomKind(kind) && typeof id === 'string' ? [`room:${kind}:${id}`] : []);
const room = (reference: unknown): string[] => roomOf(field(reference, 'kind'), field(reference, 'id'));
const peer = (type: unknown, id: unknown): string[] => (type === 'user' ? user(id) : roomOf(type, id));

const pair: KeyRule = ([first, second]) => [...user(first), ...user(second)];
const userAndList: KeyRule = ([uid, list]) => [...user(uid), ...users(list)];
const roomAndUser: KeyRule = ([reference, uid]) => [...room(reference), ...user(uid)];
const roomAndUsers: KeyRule = ([reference, uids]) => [...room(reference), ...users(uids)];

const RULES: Readonly<Record<string, KeyRule>> = {
  'users.put': ([uid]) => user(uid),
  'users.putMany': ([items]) => (Array.isArray(items) ? items.flatMap((item) => user(field(item, 'uid'))) : []),
  'friends.put': pair,
  'friends.remove': pair,
  'friends.update': pair,
  'friendRequests.send': pair,
  'friendRequests.withdraw': pair,
  'friendRequests.accept': pair,
  'friendRequests.reject': pair,
  'blocks.put': pair,
  'blocks.putMany': userAndList,
  'blocks.remove': pair,
  'userWhitelist.replace': userAndList,
  'userWhitelist.add': userAndList,
  'userWhitelist.remove': pair,
  'rooms.create': ([kind, input]) => [...roomOf(kind, field(input, 'id')), ...user(field(input, 'owner')), ...users(field(input, 'members'))],
  'rooms.dismiss': ([reference]) => room(reference),
  'rooms.setMuteAll': ([reference]) => room(reference),
  'rooms.members.add': roomAndUsers,
  'rooms.members.remove': roomAndUsers,
  'rooms.members.setRole': roomAndUser,
  'rooms.mutes.set': roomAndUser,
  'rooms.mutes.setMany': roomAndUsers,
  'rooms.mutes.remove': roomAndUser,
  'rooms.whitelist.add': roomAndUsers,
  'rooms.whitelist.replace': roomAndUsers,
  'rooms.whitelist.remove': roomAndUser,
  'rooms.blocks.add': roomAndUsers,
  'rooms.blocks.remove': roomAndUser,
  'conversations.delete': ([uid, peerType, peerId]) => [...user(uid), ...peer(peerType, peerId)],
  'messages.send': ([message]) => [...user(field(message, 'from')), ...peer(field(field(message, 'to'), 'type'), field(field(message, 'to'), 'id'))],
};

/** Every string in `value`, at any depth, as every key it could stand for. */
function everyKey(value: unknown, keys: Set<string>): void {
  if (typeof value === 'string') {
    keys.add(`user:${value}`);
    for (const kind of ROOM_KINDS) keys.add(`room:${kind}:${value}`);
  } else if (Array.isArray(value)) {
    for (const item of value) everyKey(item, keys);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) everyKey(item, keys);
  }
}

/** The keys of the write `method` (a path such as `rooms.members.add`) called with `args`. */
export function writeKeys(method: string, args: readonly unknown[]): string[] {
  const rule = RULES[method];
  if (rule) return [...new Set(rule(args))];
  const keys = new Set<string>();
  everyKey(args, keys);
  return [...keys];
}
