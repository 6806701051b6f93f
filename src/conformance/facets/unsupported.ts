/**
 * Capabilities a backend declares missing must answer 501 UNSUPPORTED (options: 422
 * UNSUPPORTED_OPTION), never a fake success. One call per capability, with throwaway ids: the
 * answer must come before any existence check.
 */
import type { Backend, BatchResult, CapabilityName, ErrorCode, RoomKind, RoomOperation } from '../../spec/index.js';
import { CAPABILITY_NAMES, CAPABILITY_OPTIONS, ImBridgeError, isOptionSupported, isSupported } from '../../spec/index.js';
import { defineFacet, expectError, randomId, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

type Invocation = (backend: Backend, ids: { a: string; b: string; room: string }) => Promise<unknown>;

/** A single-item batch's failure, thrown, so a refused item reads like a refused call. */
async function firstItem(result: Promise<BatchResult>): Promise<void> {
  const item = (await result).results[0];
  if (item?.error) throw new ImBridgeError(item.error.code as ErrorCode, item.error.message, { retryable: item.error.retryable });
}

/**
 * `stacked`: give member b one state (whitelisted, or muted, or admin), then ask for another.
 * Needs a room the backend can build: owner a, member b.
 */
function stackedInvocation(kind: RoomKind, operation: 'mutes.set' | 'mutes.batchSet' | 'whitelist.add' | 'whitelist.replace' | 'members.setRole'): Invocation {
  return async (backend, { a, b }) => {
    await backend.users.put(a, {});
    await backend.users.put(b, {});
    const created = await backend.rooms.create(kind, { name: 'stacked', owner: a, members: [b] });
    const room = { kind, id: created.id };
    const prefix = kind === 'group' ? 'groups' : 'chatrooms';
    const canWhitelist = isSupported(backend.capabilities, `${prefix}.whitelist.add`);
    if (operation === 'mutes.set' || operation === 'mutes.batchSet') {
      if (canWhitelist) await backend.rooms.whitelist.add(room, [b]);
      else await backend.rooms.members.setRole(room, b, 'admin');
      if (operation === 'mutes.set') return backend.rooms.mutes.set(room, b, null);
      return firstItem(backend.rooms.mutes.setMany(room, [b], null));
    }
    if (operation === 'members.setRole') {
      if (canWhitelist) await backend.rooms.whitelist.add(room, [b]);
      else await backend.rooms.mutes.set(room, b, null);
      return backend.rooms.members.setRole(room, b, 'admin');
    }
    await backend.rooms.members.setRole(room, b, 'admin');
    if (operation === 'whitelist.add') return firstItem(backend.rooms.whitelist.add(room, [b]));
    return backend.rooms.whitelist.replace(room, [b]);
  };
}

const USER_INVOCATIONS: Record<string, Invocation> = {
  'users.put': (backend, { a }) => backend.users.put(a, {}),
  'users.batchPut': (backend, { a }) => backend.users.putMany([{ uid: a }]),
  'users.get': (backend, { a }) => backend.users.get(a),
  'users.list': (backend) => backend.users.list({}),
  'friends.put': (backend, { a, b }) => backend.friends.put(a, b, {}),
  'friends.remove': (backend, { a, b }) => backend.friends.remove(a, b, 'mutual'),
  'friends.list': (backend, { a }) => backend.friends.list(a, {}),
  'friends.get': (backend, { a, b }) => backend.friends.get(a, b),
  'friends.update': (backend, { a, b }) => backend.friends.update(a, b, { alias: 'x' }),
  'friendRequests.send': (backend, { a, b }) => backend.friendRequests.send(a, b, null),
  'friendRequests.list': (backend, { a }) => backend.friendRequests.list(a, 'incoming', {}),
  'friendRequests.withdraw': (backend, { a, b }) => backend.friendRequests.withdraw(a, b),
  'friendRequests.accept': (backend, { a, b }) => backend.friendRequests.accept(a, b),
  'friendRequests.reject': (backend, { a, b }) => backend.friendRequests.reject(a, b),
  'blocks.put': (backend, { a, b }) => backend.blocks.put(a, b),
  'blocks.batchPut': (backend, { a, b }) => backend.blocks.putMany(a, [b]),
  'blocks.remove': (backend, { a, b }) => backend.blocks.remove(a, b),
  'blocks.list': (backend, { a }) => backend.blocks.list(a, {}),
  'relations.get': (backend, { a, b }) => backend.relations.get(a, b),
  'users.whitelist.list': (backend, { a }) => backend.userWhitelist.list(a, {}),
  'users.whitelist.replace': (backend, { a, b }) => backend.userWhitelist.replace(a, [b]),
  'users.whitelist.add': (backend, { a, b }) => backend.userWhitelist.add(a, [b]),
  'users.whitelist.remove': (backend, { a, b }) => backend.userWhitelist.remove(a, b),
  'conversations.list': (backend, { a }) => backend.conversations.list(a, {}),
  'conversations.delete': (backend, { a, b }) => backend.conversations.delete(a, 'user', b),
  'messages.send': (backend, { a, b }) => backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'x' }),
};

function roomInvocation(kind: RoomKind, operation: RoomOperation): Invocation {
  return (backend, { a, b, room: id }) => {
    const room = { kind, id };
    const rooms = backend.rooms;
    const calls: Record<RoomOperation, () => Promise<unknown>> = {
      create: () => rooms.create(kind, { id, name: 'x', owner: a }),
      get: () => rooms.get(room),
      list: () => rooms.list(kind, {}),
      dismiss: () => rooms.dismiss(room),
      'members.list': () => rooms.members.list(room, {}),
      'members.add': () => rooms.members.add(room, [b]),
      'members.remove': () => rooms.members.remove(room, [b]),
      'members.setRole': () => rooms.members.setRole(room, b, 'admin'),
      'mutes.set': () => rooms.mutes.set(room, b, null),
      'mutes.batchSet': () => rooms.mutes.setMany(room, [b], null),
      'mutes.remove': () => rooms.mutes.remove(room, b),
      'mutes.list': () => rooms.mutes.list(room, {}),
      'muteAll.set': () => rooms.setMuteAll(room, true),
      'muteAll.remove': () => rooms.setMuteAll(room, false),
      'whitelist.list': () => rooms.whitelist.list(room, {}),
      'whitelist.add': () => rooms.whitelist.add(room, [b]),
      'whitelist.replace': () => rooms.whitelist.replace(room, [b]),
      'whitelist.remove': () => rooms.whitelist.remove(room, b),
      'blocks.list': () => rooms.blocks.list(room, {}),
      'blocks.add': () => rooms.blocks.add(room, [b]),
      'blocks.remove': () => rooms.blocks.remove(room, b),
    };
    return calls[operation]();
  };
}

function invocationFor(name: CapabilityName): Invocation {
  const user = USER_INVOCATIONS[name];
  if (user) return user;
  const [prefix, ...rest] = name.split('.');
  return roomInvocation(prefix === 'chatrooms' ? 'chatroom' : 'group', rest.join('.') as RoomOperation);
}

const OPTION_INVOCATIONS: Record<string, Invocation> = {
  'users.put:extra': (backend, { a }) => backend.users.put(a, { extra: 'x' }),
  'friends.put:extra': (backend, { a, b }) => backend.friends.put(a, b, { extra: 'x' }),
  'friends.put:oneWay': (backend, { a, b }) => backend.friends.put(a, b, {}, 'one-way'),
  'friends.update:extra': (backend, { a, b }) => backend.friends.update(a, b, { extra: 'x' }),
  'groups.create:id': (backend, { a, room }) => backend.rooms.create('group', { id: room, name: 'x', owner: a }),
  'chatrooms.create:id': (backend, { a, room }) => backend.rooms.create('chatroom', { id: room, name: 'x', owner: a }),
  ...Object.fromEntries(
    (['group', 'chatroom'] as const).flatMap((kind) =>
      (['mutes.set', 'mutes.batchSet', 'whitelist.add', 'whitelist.replace', 'members.setRole'] as const).map((operation) => [
        `${kind === 'group' ? 'groups' : 'chatrooms'}.${operation}:stacked`,
        stackedInvocation(kind, operation),
      ]),
    ),
  ),
  'conversations.delete:user': (backend, { a, b }) => backend.conversations.delete(a, 'user', b),
  'conversations.delete:group': (backend, { a, room }) => backend.conversations.delete(a, 'group', room),
  'conversations.delete:chatroom': (backend, { a, room }) => backend.conversations.delete(a, 'chatroom', room),
  'friends.remove:oneWay': (backend, { a, b }) => backend.friends.remove(a, b, 'one-way'),
  'friends.list:query': (backend, { a }) => backend.friends.list(a, { query: 'x' }),
  'friends.list:uids': (backend, { a, b }) => backend.friends.list(a, { uids: [b] }),
  'groups.mutes.set:duration': (backend, { b, room }) => backend.rooms.mutes.set({ kind: 'group', id: room }, b, 60),
  'groups.mutes.batchSet:duration': (backend, { b, room }) => backend.rooms.mutes.setMany({ kind: 'group', id: room }, [b], 60),
  'chatrooms.mutes.set:duration': (backend, { b, room }) => backend.rooms.mutes.set({ kind: 'chatroom', id: room }, b, 60),
  'chatrooms.mutes.batchSet:duration': (backend, { b, room }) => backend.rooms.mutes.setMany({ kind: 'chatroom', id: room }, [b], 60),
  'messages.send:toUser': (backend, { a, b }) => backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'x' }),
  'messages.send:toGroup': (backend, { a, room }) => backend.messages.send({ from: a, to: { type: 'group', id: room }, text: 'x' }),
  'messages.send:toChatroom': (backend, { a, room }) => backend.messages.send({ from: a, to: { type: 'chatroom', id: room }, text: 'x' }),
};

export function unsupportedFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'declared capabilities', (facet) => {
    const { expect } = runner;

    facet.test('the capability table names every operation', [], async ({ backend }) => {
      expect(Object.keys(backend.capabilities).sort()).toEqual([...CAPABILITY_NAMES].sort());
    });

    facet.test('every operation declared unsupported answers 501 UNSUPPORTED', [], async ({ backend }) => {
      const missing = CAPABILITY_NAMES.filter((name) => !isSupported(backend.capabilities, name));
      for (const name of missing) {
        const ids = { a: randomId('u'), b: randomId('u'), room: randomId('r') };
        const error = await expectError(facet, invocationFor(name)(backend, ids), 'UNSUPPORTED', 501);
        expect(error.details?.capability, name).toBe(name);
      }
    });

    facet.test('every option declared unsupported answers 422 UNSUPPORTED_OPTION', [], async ({ backend }) => {
      for (const [name, optionNames] of Object.entries(CAPABILITY_OPTIONS) as Array<[CapabilityName, readonly string[]]>) {
        if (!isSupported(backend.capabilities, name)) continue;
        for (const option of optionNames) {
          if (isOptionSupported(backend.capabilities, name, option)) continue;
          const invoke = OPTION_INVOCATIONS[`${name}:${option}`];
          if (!invoke) throw new Error(`the suite has no call for ${name}:${option}`);
          const ids = { a: randomId('u'), b: randomId('u'), room: randomId('r') };
          await expectError(facet, invoke(backend, ids), 'UNSUPPORTED_OPTION', 422);
        }
      }
    });
  });
}
