/**
 * The contract rules every caller gets, whatever the backend: a user never relates to
 * themselves (INVALID_ARGUMENT), an operation declared unsupported answers UNSUPPORTED, an option
 * declared unsupported answers UNSUPPORTED_OPTION, and ids match the backend's own ID rule. The
 * HTTP layer, the facades and library users all reach backends through this wrapper, so the rules
 * are written once here instead of once per caller and once per adapter; an adapter that forgot
 * one can no longer report a state it never reached.
 */
import {
  InvalidArgumentError,
  InvalidIdError,
  UnsupportedError,
  UnsupportedOptionError,
  isOptionSupported,
  isSupported,
  roomCapability,
  type Backend,
  type CapabilityName,
  type FriendshipInput,
  type PeerType,
  type RoomKind,
  type RoomOperation,
  type RoomRef,
  type UserInput,
} from '../spec/index.js';
import { MemoryKeyedLock, type KeyedLock } from './keyed-lock.js';
import { refuseCompositePeerId } from './peer-id.js';
import { runInCallScope } from './call-scope.js';

const GUARDED = Symbol.for('imbridge.guarded-backend');

/** What one call must satisfy before the backend sees it. */
interface CallRule {
  capability: CapabilityName;
  /** The two users the call relates, when it relates two. */
  pair?: readonly [string, string] | null;
  options?: readonly string[];
  /** Ids the backend's ID rule applies to. */
  ids?: readonly string[];
  /** What a write touches: it runs alone among the calls that touch any of these. */
  locks?: readonly string[];
}

export interface GuardOptions {
  /** Serializes writes on what they touch; default: one in-process lock per guarded backend. */
  lock?: KeyedLock;
}

// Lock keys. A user's key covers everything stored under that user on a vendor (names, views of
// friends kept in metadata, block and white lists); a pair's, the relation between two users.
const userKey = (uid: string) => `user:${uid}`;
const pairKey = (a: string, b: string) => (a < b ? `pair:${a}:${b}` : `pair:${b}:${a}`);
const roomKey = (room: RoomRef) => `room:${room.kind}:${room.id}`;
const relationKeys = (a: string, b: string) => [pairKey(a, b), userKey(a), userKey(b)];

function extraOption(input: UserInput | FriendshipInput | undefined): string[] {
  return input?.extra !== undefined ? ['extra'] : [];
}

const PEER_OPTION: Readonly<Record<PeerType, string>> = { user: 'toUser', group: 'toGroup', chatroom: 'toChatroom' };

/** Whether `backend` is already wrapped. */
export function isGuarded(backend: Backend): boolean {
  return (backend as unknown as Record<symbol, unknown>)[GUARDED] === true;
}

/** `backend` behind the contract's rules; a backend already guarded is returned as it is. */
export function guardBackend(backend: Backend, options: GuardOptions = {}): Backend {
  if (isGuarded(backend)) return backend;
  const lock = options.lock ?? new MemoryKeyedLock();
  const idPattern = new RegExp(`^(?:${backend.idRule.pattern})$`);

  const check = (rule: CallRule): void => {
    if (rule.pair && rule.pair[0] === rule.pair[1]) {
      throw new InvalidArgumentError(`both users of this call are "${rule.pair[0]}"; a user cannot relate to themselves`, { details: { uid: rule.pair[0] } });
    }
    if (!isSupported(backend.capabilities, rule.capability)) throw new UnsupportedError(rule.capability, backend.vendor);
    for (const option of rule.options ?? []) {
      if (!isOptionSupported(backend.capabilities, rule.capability, option)) throw new UnsupportedOptionError(rule.capability, option, backend.vendor);
    }
    for (const id of rule.ids ?? []) {
      if (!idPattern.test(id)) throw new InvalidIdError(`"${id}" breaks ${backend.vendor}'s ID rule: ${backend.idRule.description}`, { details: { id } });
    }
  };
  // One wrapped method: the rule from the arguments, then the backend's own call.
  const guard =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>, rule: (args: NoInfer<Args>) => CallRule) =>
    async (...args: Args): Promise<Result> => {
      const applied = rule(args);
      check(applied);
      // The vendor calls this operation makes are labelled with it (metrics, per-request timing).
      const scoped = () => runInCallScope({ backend: backend.name, operation: applied.capability }, () => call(...args));
      if (!applied.locks || applied.locks.length === 0) return scoped();
      return lock.run(
        applied.locks.map((key) => `${backend.name}/${key}`),
        scoped,
      );
    };
  const room = (kind: RoomKind, operation: RoomOperation) => roomCapability(kind, operation);

  const { users, friends, friendRequests, blocks, relations, userWhitelist, rooms, conversations, messages } = backend;
  const guarded: Backend = {
    specVersion: backend.specVersion,
    name: backend.name,
    vendor: backend.vendor,
    capabilities: backend.capabilities,
    idRule: backend.idRule,
    ...(backend.sendPolicy ? { sendPolicy: backend.sendPolicy } : {}),
    ...(backend.upstream ? { upstream: backend.upstream } : {}),
    ...(backend.metrics ? { metrics: backend.metrics.bind(backend) } : {}),
    health: () => backend.health(),
    close: () => backend.close(),
    users: {
      put: guard(users.put.bind(users), ([uid, input]) => ({ capability: 'users.put', options: extraOption(input), ids: [uid], locks: [userKey(uid)] })),
      putMany: guard(users.putMany.bind(users), ([items]) => ({ capability: 'users.batchPut', locks: items.map((item) => userKey(item.uid)) })),
      get: guard(users.get.bind(users), () => ({ capability: 'users.get' })),
      list: guard(users.list.bind(users), () => ({ capability: 'users.list' })),
    },
    friends: {
      put: guard(friends.put.bind(friends), ([uid, friend, input, mode]) => ({
        capability: 'friends.put',
        pair: [uid, friend],
        locks: relationKeys(uid, friend),
        options: [...extraOption(input), ...(mode === 'one-way' ? ['oneWay'] : [])],
      })),
      remove: guard(friends.remove.bind(friends), ([uid, friend, mode]) => ({
        capability: 'friends.remove',
        pair: [uid, friend],
        locks: relationKeys(uid, friend),
        options: mode === 'one-way' ? ['oneWay'] : [],
      })),
      list: guard(friends.list.bind(friends), ([, options]) => ({
        capability: 'friends.list',
        options: [...(options.query !== undefined ? ['query'] : []), ...(options.uids !== undefined ? ['uids'] : [])],
      })),
      get: guard(friends.get.bind(friends), ([uid, friend]) => ({ capability: 'friends.get', pair: [uid, friend] })),
      update: guard(friends.update.bind(friends), ([uid, friend, input]) => ({
        capability: 'friends.update',
        pair: [uid, friend],
        locks: relationKeys(uid, friend),
        options: extraOption(input),
      })),
    },
    friendRequests: {
      send: guard(friendRequests.send.bind(friendRequests), ([from, to]) => ({ capability: 'friendRequests.send', pair: [from, to], locks: relationKeys(from, to) })),
      list: guard(friendRequests.list.bind(friendRequests), () => ({ capability: 'friendRequests.list' })),
      withdraw: guard(friendRequests.withdraw.bind(friendRequests), ([from, to]) => ({ capability: 'friendRequests.withdraw', pair: [from, to], locks: relationKeys(from, to) })),
      accept: guard(friendRequests.accept.bind(friendRequests), ([to, from]) => ({ capability: 'friendRequests.accept', pair: [to, from], locks: relationKeys(to, from) })),
      reject: guard(friendRequests.reject.bind(friendRequests), ([to, from]) => ({ capability: 'friendRequests.reject', pair: [to, from], locks: relationKeys(to, from) })),
    },
    blocks: {
      put: guard(blocks.put.bind(blocks), ([uid, blocked]) => ({ capability: 'blocks.put', pair: [uid, blocked], locks: relationKeys(uid, blocked) })),
      putMany: guard(blocks.putMany.bind(blocks), ([uid, others]) => ({ capability: 'blocks.batchPut', locks: [userKey(uid), ...others.map(userKey)] })),
      remove: guard(blocks.remove.bind(blocks), ([uid, blocked]) => ({ capability: 'blocks.remove', pair: [uid, blocked], locks: relationKeys(uid, blocked) })),
      list: guard(blocks.list.bind(blocks), () => ({ capability: 'blocks.list' })),
    },
    relations: {
      get: guard(relations.get.bind(relations), ([uid, other]) => ({ capability: 'relations.get', pair: [uid, other] })),
    },
    userWhitelist: {
      list: guard(userWhitelist.list.bind(userWhitelist), () => ({ capability: 'users.whitelist.list' })),
      replace: guard(userWhitelist.replace.bind(userWhitelist), ([uid]) => ({ capability: 'users.whitelist.replace', locks: [userKey(uid)] })),
      add: guard(userWhitelist.add.bind(userWhitelist), ([uid]) => ({ capability: 'users.whitelist.add', locks: [userKey(uid)] })),
      remove: guard(userWhitelist.remove.bind(userWhitelist), ([uid]) => ({ capability: 'users.whitelist.remove', locks: [userKey(uid)] })),
    },
    rooms: {
      create: guard(rooms.create.bind(rooms), ([kind, input]) => ({
        capability: room(kind, 'create'),
        options: input.id !== undefined ? ['id'] : [],
        ids: input.id !== undefined ? [input.id] : [],
        locks: input.id !== undefined ? [roomKey({ kind, id: input.id })] : [],
      })),
      get: guard(rooms.get.bind(rooms), ([ref]) => ({ capability: room(ref.kind, 'get') })),
      list: guard(rooms.list.bind(rooms), ([kind]) => ({ capability: room(kind, 'list') })),
      dismiss: guard(rooms.dismiss.bind(rooms), ([ref]) => ({ capability: room(ref.kind, 'dismiss'), locks: [roomKey(ref)] })),
      setMuteAll: guard(rooms.setMuteAll.bind(rooms), ([ref, on]) => ({ capability: room(ref.kind, on ? 'muteAll.set' : 'muteAll.remove'), locks: [roomKey(ref)] })),
      members: {
        list: guard(rooms.members.list.bind(rooms.members), ([ref]) => ({ capability: room(ref.kind, 'members.list') })),
        add: guard(rooms.members.add.bind(rooms.members), ([ref]) => ({ capability: room(ref.kind, 'members.add'), locks: [roomKey(ref)] })),
        remove: guard(rooms.members.remove.bind(rooms.members), ([ref]) => ({ capability: room(ref.kind, 'members.remove'), locks: [roomKey(ref)] })),
        setRole: guard(rooms.members.setRole.bind(rooms.members), ([ref]) => ({ capability: room(ref.kind, 'members.setRole'), locks: [roomKey(ref)] })),
      },
      mutes: {
        set: guard(rooms.mutes.set.bind(rooms.mutes), ([ref, , duration]) => ({
          capability: room(ref.kind, 'mutes.set'),
          locks: [roomKey(ref)],
          options: duration !== null ? ['duration'] : [],
        })),
        setMany: guard(rooms.mutes.setMany.bind(rooms.mutes), ([ref, , duration]) => ({
          capability: room(ref.kind, 'mutes.batchSet'),
          locks: [roomKey(ref)],
          options: duration !== null ? ['duration'] : [],
        })),
        remove: guard(rooms.mutes.remove.bind(rooms.mutes), ([ref]) => ({ capability: room(ref.kind, 'mutes.remove'), locks: [roomKey(ref)] })),
        list: guard(rooms.mutes.list.bind(rooms.mutes), ([ref]) => ({ capability: room(ref.kind, 'mutes.list') })),
      },
      whitelist: {
        list: guard(rooms.whitelist.list.bind(rooms.whitelist), ([ref]) => ({ capability: room(ref.kind, 'whitelist.list') })),
        add: guard(rooms.whitelist.add.bind(rooms.whitelist), ([ref]) => ({ capability: room(ref.kind, 'whitelist.add'), locks: [roomKey(ref)] })),
        replace: guard(rooms.whitelist.replace.bind(rooms.whitelist), ([ref]) => ({ capability: room(ref.kind, 'whitelist.replace'), locks: [roomKey(ref)] })),
        remove: guard(rooms.whitelist.remove.bind(rooms.whitelist), ([ref]) => ({ capability: room(ref.kind, 'whitelist.remove'), locks: [roomKey(ref)] })),
      },
      blocks: {
        list: guard(rooms.blocks.list.bind(rooms.blocks), ([ref]) => ({ capability: room(ref.kind, 'blocks.list') })),
        add: guard(rooms.blocks.add.bind(rooms.blocks), ([ref]) => ({ capability: room(ref.kind, 'blocks.add'), locks: [roomKey(ref)] })),
        remove: guard(rooms.blocks.remove.bind(rooms.blocks), ([ref]) => ({ capability: room(ref.kind, 'blocks.remove'), locks: [roomKey(ref)] })),
      },
    },
    conversations: {
      list: guard(conversations.list.bind(conversations), () => ({ capability: 'conversations.list' })),
      delete: guard(
        async (uid: string, peerType: PeerType, peerId: string) => {
          await refuseCompositePeerId(backend, uid, peerType, peerId);
          return conversations.delete(uid, peerType, peerId);
        },
        ([uid, peerType]) => ({ capability: 'conversations.delete', options: [peerType], locks: [userKey(uid)] }),
      ),
    },
    messages: {
      send: guard(messages.send.bind(messages), ([message]) => ({
        capability: 'messages.send',
        pair: message.to.type === 'user' ? [message.from, message.to.id] : null,
        options: [PEER_OPTION[message.to.type]],
      })),
    },
  };
  Object.defineProperty(guarded, GUARDED, { value: true });
  return guarded;
}
