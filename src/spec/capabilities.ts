/**
 * Capabilities are data: each backend publishes, per operation, whether it can do it and which
 * options it supports. The HTTP layer answers 501 UNSUPPORTED for an operation declared `false`
 * before calling the backend, and the conformance suite checks both directions.
 */
import { UnsupportedError, UnsupportedOptionError } from './errors.js';

/** Operations on users, friends, requests, blocks, relations, whitelists, conversations, messages. */
export const USER_CAPABILITIES = [
  'users.put',
  'users.batchPut',
  'users.get',
  'users.list',
  'friends.put',
  'friends.remove',
  'friends.list',
  'friends.get',
  'friends.update',
  'friendRequests.send',
  'friendRequests.list',
  'friendRequests.withdraw',
  'friendRequests.accept',
  'friendRequests.reject',
  'blocks.put',
  'blocks.batchPut',
  'blocks.remove',
  'blocks.list',
  'relations.get',
  'users.whitelist.list',
  'users.whitelist.replace',
  'users.whitelist.add',
  'users.whitelist.remove',
  'conversations.list',
  'conversations.delete',
  'messages.send',
] as const;

/** Room operations; each exists once per kind as `groups.<op>` and `chatrooms.<op>`. */
export const ROOM_OPERATIONS = [
  'create',
  'get',
  'list',
  'dismiss',
  'members.list',
  'members.add',
  'members.remove',
  'members.setRole',
  'mutes.set',
  'mutes.batchSet',
  'mutes.remove',
  'mutes.list',
  'muteAll.set',
  'muteAll.remove',
  'whitelist.list',
  'whitelist.add',
  'whitelist.replace',
  'whitelist.remove',
  'blocks.list',
  'blocks.add',
  'blocks.remove',
] as const;

export type RoomOperation = (typeof ROOM_OPERATIONS)[number];
export type UserCapability = (typeof USER_CAPABILITIES)[number];
export type RoomCapability = `groups.${RoomOperation}` | `chatrooms.${RoomOperation}`;
export type CapabilityName = UserCapability | RoomCapability;

/** Every capability name, in a stable order. */
export const CAPABILITY_NAMES: readonly CapabilityName[] = [
  ...USER_CAPABILITIES,
  ...ROOM_OPERATIONS.map((operation) => `groups.${operation}` as const),
  ...ROOM_OPERATIONS.map((operation) => `chatrooms.${operation}` as const),
];

/**
 * Options an operation may accept, by capability (`extra`: the field is stored; `id`: the caller
 * chooses the room id; a peer type: conversations with that kind of peer exist; `stacked`: a
 * member keeps its other states — admin, muted, whitelisted — alongside the one being set). A backend that supports the operation lists
 * here which of these options it supports; an unsupported option answers 422 UNSUPPORTED_OPTION.
 */
export const CAPABILITY_OPTIONS = {
  'users.put': ['extra'],
  'friends.put': ['extra', 'oneWay'],
  'friends.update': ['extra'],
  'friends.remove': ['oneWay'],
  'friends.list': ['query', 'uids'],
  'groups.mutes.set': ['duration', 'stacked'],
  'groups.mutes.batchSet': ['duration', 'stacked'],
  'groups.whitelist.add': ['stacked'],
  'groups.whitelist.replace': ['stacked'],
  'groups.members.setRole': ['stacked'],
  'chatrooms.mutes.set': ['duration', 'stacked'],
  'chatrooms.mutes.batchSet': ['duration', 'stacked'],
  'chatrooms.whitelist.add': ['stacked'],
  'chatrooms.whitelist.replace': ['stacked'],
  'chatrooms.members.setRole': ['stacked'],
  'groups.create': ['id'],
  'chatrooms.create': ['id'],
  'conversations.delete': ['user', 'group', 'chatroom'],
  'messages.send': ['toUser', 'toGroup', 'toChatroom'],
} as const satisfies Partial<Record<CapabilityName, readonly string[]>>;

/**
 * `true`: supported with every option; `false`: answers 501 UNSUPPORTED;
 * an object: supported, with each listed option `true` (supported) or `false` (422).
 */
export type CapabilityValue = boolean | Record<string, boolean>;

export type Capabilities = Record<CapabilityName, CapabilityValue>;

/** Builds a full table from a default and the entries that differ; no name is ever missing. */
export function defineCapabilities(
  defaultValue: boolean,
  overrides: Partial<Record<CapabilityName, CapabilityValue>> = {},
): Capabilities {
  const table = {} as Capabilities;
  for (const name of CAPABILITY_NAMES) table[name] = overrides[name] ?? defaultValue;
  return table;
}

export function isSupported(capabilities: Capabilities, name: CapabilityName): boolean {
  return capabilities[name] !== false;
}

export function isOptionSupported(capabilities: Capabilities, name: CapabilityName, option: string): boolean {
  const value = capabilities[name];
  if (typeof value === 'boolean') return value;
  return value[option] === true;
}

/** Throws UNSUPPORTED / UNSUPPORTED_OPTION as the table says; adapters call it at the top of an operation. */
export function requireCapability(capabilities: Capabilities, vendor: string, name: CapabilityName, option?: string): void {
  if (!isSupported(capabilities, name)) throw new UnsupportedError(name, vendor);
  if (option !== undefined && !isOptionSupported(capabilities, name, option)) {
    throw new UnsupportedOptionError(name, option, vendor);
  }
}

/** The backend's ID rule, published in its capability document and enforced as INVALID_ID. */
export interface IdRule {
  /** Regular expression source an id must match in full. */
  pattern: string;
  maxLength: number;
  /** One sentence for humans, used in error messages. */
  description: string;
}

/**
 * The unified rule every backend accepts at least as strictly. `.` and `..` alone are refused:
 * URL parsers resolve them (even escaped as `%2E`) as dot segments, so no standard HTTP client
 * could address such a user in a path.
 */
export const UNIFIED_ID_RULE: IdRule = {
  pattern: '^(?!\\.{1,2}$)[A-Za-z0-9_.@:-]{1,64}$',
  maxLength: 64,
  description: '1–64 characters of A-Z a-z 0-9 _ - . @ :, not "." or ".." alone',
};

/** The capability document of `GET /v1/capabilities`. */
export interface CapabilityDocument {
  backend: string;
  vendor: string;
  capabilities: Capabilities;
  idRule: IdRule;
  /** Present when the backend asks more of a direct message than "not blocked". */
  sendPolicy?: { requireFriendship: boolean };
}

/** The capability name of a room operation on one kind of room (`groups.members.add`, …). */
export function roomCapability(kind: 'group' | 'chatroom', operation: RoomOperation): RoomCapability {
  return `${kind === 'group' ? 'groups' : 'chatrooms'}.${operation}`;
}
