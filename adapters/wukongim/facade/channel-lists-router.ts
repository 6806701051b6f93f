/**
 * WuKongIM's whitelists and blacklists (note §3, §5) on a unified backend:
 *
 * | vendor list | person channel A (type 1) | group channel G (type 2) |
 * |---|---|---|
 * | whitelist | A's friend list, each entry one-way (`friends.put(A, b, {}, 'one-way')`) | the mute-all exemptions: non-empty = `setMuteAll(G, true)` + room whitelist, empty = mute-all off |
 * | blacklist | A's blocks | G's member mutes (until unmuted) |
 *
 * Reads: `GET /channel/whitelist` and the cluster admin lists `/cluster/channels/{id}/{type}/…`.
 */
import express, { type Router } from 'express';
import { isSupported, requireCapability, type Backend, type RoomRef } from '../../../src/spec/index.js';
import {
  GROUP,
  PERSON,
  VendorFailure,
  checkListChange,
  checkListRemoveAll,
  checkListSet,
  decode,
  inKeyOrder,
  whitelistRow,
} from '../protocol/wire.js';
import type { FacadeContext } from '../../../src/facade-kit/facade.js';
import { ensureUsers, throwFirstFailure, unless } from './backend-calls.js';
import { vendorRoute } from './vendor-route.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** Go's zero time: what the facade writes where the backend keeps no time (room whitelist rows). */
const GO_ZERO_TIME = new Date('0001-01-01T00:00:00Z');

type ListName = 'whitelist' | 'blacklist';

function unsupportedType(channelType: number): VendorFailure {
  return new VendorFailure(`imbridge: channel_type ${channelType} has no equivalent on imbridge backends (only 1 person and 2 group)`);
}

function refuseSelf(channelId: string, uids: readonly string[]): void {
  if (uids.includes(channelId)) {
    throw new VendorFailure(`imbridge: "${channelId}" cannot be in its own person-channel list (no unified self-relation)`);
  }
}

function group(id: string): RoomRef {
  return { kind: 'group', id };
}

/** The person whitelist = the friend entries of `uid`, with their `since`. */
async function friendRows(backend: Backend, uid: string) {
  const friends = await unless(listAll((options) => backend.friends.list(uid, options)), ['USER_NOT_FOUND'], []);
  return friends.map((friend) => ({ uid: friend.friend, since: new Date(friend.since) }));
}

/** The group whitelist as WuKongIM holds it: the room whitelist while mute-all is on, else empty. */
async function groupWhitelist(backend: Backend, id: string): Promise<string[]> {
  const room = await unless(backend.rooms.get(group(id)), ['GROUP_NOT_FOUND'], null);
  if (!room?.muteAll) return [];
  return (await listAll((options) => backend.rooms.whitelist.list(group(id), options))).map((entry) => entry.uid);
}

async function blockedUids(backend: Backend, uid: string): Promise<string[]> {
  return (await unless(listAll((options) => backend.blocks.list(uid, options)), ['USER_NOT_FOUND'], [])).map((block) => block.blocked);
}

async function mutedUids(backend: Backend, id: string): Promise<string[]> {
  return (await unless(listAll((options) => backend.rooms.mutes.list(group(id), options)), ['GROUP_NOT_FOUND'], [])).map((mute) => mute.uid);
}

/** Brings a person whitelist from its current entries to `wanted` with one-way friend entries. */
async function setPersonWhitelist(backend: Backend, uid: string, current: readonly string[], wanted: readonly string[]): Promise<void> {
  const add = wanted.filter((other) => !current.includes(other));
  const drop = current.filter((other) => !wanted.includes(other));
  // Checked here, as the HTTP layer would: a backend that ignored the mode would add both sides.
  if (add.length > 0) requireCapability(backend.capabilities, backend.vendor, 'friends.put', 'oneWay');
  if (add.length > 0) await ensureUsers(backend, [uid, ...add]);
  for (const other of add) await backend.friends.put(uid, other, {}, 'one-way');
  for (const other of drop) await backend.friends.remove(uid, other, 'one-way');
}

async function setPersonBlacklist(backend: Backend, uid: string, current: readonly string[], wanted: readonly string[]): Promise<void> {
  const add = wanted.filter((other) => !current.includes(other));
  const drop = current.filter((other) => !wanted.includes(other));
  if (add.length > 0) {
    await ensureUsers(backend, [uid, ...add]);
    throwFirstFailure(await backend.blocks.putMany(uid, add));
  }
  for (const other of drop) await backend.blocks.remove(uid, other);
}

/**
 * A group whitelist change: non-empty turns mute-all on with exactly these exemptions, empty
 * turns it off (an empty WuKongIM group whitelist means no restriction, note §4).
 */
async function setGroupWhitelist(backend: Backend, id: string, wanted: readonly string[]): Promise<void> {
  const room = group(id);
  if (wanted.length > 0) {
    await backend.rooms.whitelist.replace(room, [...wanted]);
    await backend.rooms.setMuteAll(room, true);
    return;
  }
  await backend.rooms.setMuteAll(room, false);
  if (isSupported(backend.capabilities, 'groups.whitelist.replace')) await backend.rooms.whitelist.replace(room, []);
}

async function setGroupBlacklist(backend: Backend, id: string, current: readonly string[], wanted: readonly string[]): Promise<void> {
  const room = group(id);
  const add = wanted.filter((uid) => !current.includes(uid));
  const drop = current.filter((uid) => !wanted.includes(uid));
  if (add.length > 0) throwFirstFailure(await backend.rooms.mutes.setMany(room, add, null));
  for (const uid of drop) await backend.rooms.mutes.remove(room, uid);
}

/** Current entries of a list, as uids. */
async function currentList(backend: Backend, list: ListName, channelId: string, channelType: number): Promise<string[]> {
  if (channelType === PERSON) return list === 'whitelist' ? (await friendRows(backend, channelId)).map((row) => row.uid) : blockedUids(backend, channelId);
  if (channelType === GROUP) return list === 'whitelist' ? groupWhitelist(backend, channelId) : mutedUids(backend, channelId);
  return [];
}

async function applyList(backend: Backend, list: ListName, channelId: string, channelType: number, wanted: (current: string[]) => string[]): Promise<void> {
  if (channelType !== PERSON && channelType !== GROUP) throw unsupportedType(channelType);
  const current = await currentList(backend, list, channelId, channelType);
  const next = [...new Set(wanted(current))];
  if (channelType === PERSON) refuseSelf(channelId, next.filter((uid) => !current.includes(uid)));
  if (channelType === PERSON && list === 'whitelist') return setPersonWhitelist(backend, channelId, current, next);
  if (channelType === PERSON) return setPersonBlacklist(backend, channelId, current, next);
  if (list === 'whitelist') {
    // Re-adding present uids or removing absent ones changes nothing (200 on the vendor too).
    if (next.length === current.length && next.every((uid) => current.includes(uid))) return;
    return setGroupWhitelist(backend, channelId, next);
  }
  return setGroupBlacklist(backend, channelId, current, next);
}

export function createChannelListsRouter(context: FacadeContext): Router {
  const router = express.Router();
  for (const list of ['whitelist', 'blacklist'] as const) {
    // whitelist_add/remove check `@ # &` in the channel id; the blacklist ones do not (note §3).
    const special = list === 'whitelist';
    router.post(
      `/channel/${list}_add`,
      ...vendorRoute(context, async (request, backend) => {
        const change = checkListChange(decode(request, ['channel_type']), special);
        await applyList(backend, list, change.channelId, change.channelType, (current) => [...current, ...change.uids]);
      }),
    );
    router.post(
      `/channel/${list}_remove`,
      ...vendorRoute(context, async (request, backend) => {
        const change = checkListChange(decode(request, ['channel_type']), special);
        await applyList(backend, list, change.channelId, change.channelType, (current) => current.filter((uid) => !change.uids.includes(uid)));
      }),
    );
    router.post(
      `/channel/${list}_set`,
      ...vendorRoute(context, async (request, backend) => {
        const change = checkListSet(decode(request, ['channel_type']));
        await applyList(backend, list, change.channelId, change.channelType, () => change.uids.filter((uid) => uid.trim() !== ''));
      }),
    );
    router.post(
      `/channel/${list}_remove_all`,
      ...vendorRoute(context, async (request, backend) => {
        const change = checkListRemoveAll(decode(request, ['channel_type']));
        await applyList(backend, list, change.channelId, change.channelType, () => []);
      }),
    );
  }

  router.get(
    '/channel/whitelist',
    ...vendorRoute(context, async (request, backend) => {
      const channelId = typeof request.query.channel_id === 'string' ? request.query.channel_id : '';
      const channelType = Number(typeof request.query.channel_type === 'string' ? request.query.channel_type : '0') || 0;
      if (channelId === '') return [];
      if (channelType === PERSON) return inKeyOrder(await friendRows(backend, channelId), (row) => row.uid).map((row) => whitelistRow(row.uid, row.since, row.since));
      if (channelType === GROUP) return inKeyOrder(await groupWhitelist(backend, channelId), (uid) => uid).map((uid) => whitelistRow(uid, GO_ZERO_TIME, GO_ZERO_TIME));
      return [];
    }),
  );

  for (const which of ['denylist', 'allowlist', 'subscribers'] as const) {
    router.get(
      `/cluster/channels/:channelId/:channelType/${which}`,
      ...vendorRoute(context, async (request, backend) => {
        const channelId = String(request.params.channelId);
        const channelType = Number(request.params.channelType) || 0;
        if (which === 'subscribers') {
          if (channelType !== GROUP) return [];
          const members = await unless(listAll((options) => backend.rooms.members.list(group(channelId), options)), ['GROUP_NOT_FOUND'], []);
          return inKeyOrder(members.map((member) => member.uid), (uid) => uid);
        }
        return inKeyOrder(await currentList(backend, which === 'denylist' ? 'blacklist' : 'whitelist', channelId, channelType), (uid) => uid);
      }),
    );
  }
  return router;
}
