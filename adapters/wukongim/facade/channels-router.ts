/**
 * WuKongIM's group channels and subscribers (note §6) as unified groups and members.
 *
 * - A group channel is created by `/channel` or `subscriber_add` on a new id: `rooms.create` with
 *   that id, the channel id as name and the **first subscriber as owner** (WuKongIM has no owner).
 * - `reset: 1` replaces the members; a later `/channel` or `subscriber_add` adds members.
 * - `/channel/delete` = `rooms.dismiss` (unknown channel: 200, like the vendor).
 * - Flags the unified API has no word for: `ban` and `disband` (and `send_ban` on a person
 *   channel) act on sending, so a non-zero value is refused rather than silently dropped;
 *   `large`, `allow_stranger` and a group's `send_ban` are accepted and ignored (a size hint, and
 *   two flags v2.2.5 stores but does not enforce, note §4).
 */
import express, { type Router } from 'express';
import type { Backend, Member, RoomRef } from '../../../src/spec/index.js';
import {
  GROUP,
  PERSON,
  TEXTS,
  VendorFailure,
  checkChannelUpsert,
  checkSubscriberChange,
  decode,
  number,
  text,
  type Json,
} from '../protocol/wire.js';
import type { FacadeContext } from '../../../src/facade-kit/facade.js';
import { ensureUsers, throwFirstFailure, unless } from './backend-calls.js';
import { vendorRoute } from './vendor-route.js';
import { listAll } from '../../../src/facade-kit/index.js';

const FLAG_FIELDS = ['channel_type', 'large', 'ban', 'disband', 'send_ban', 'allow_stranger', 'reset'];

function refuseUnmappableFlags(body: Json, channelType: number): void {
  const refused = ['ban', 'disband', ...(channelType === PERSON ? ['send_ban'] : [])].filter((flag) => number(body, flag) !== 0);
  if (refused.length > 0) {
    throw new VendorFailure(`imbridge: ${refused.join(', ')}=1 has no equivalent on imbridge backends; use /channel/delete to disband a group`);
  }
}

function unsupportedType(channelType: number): VendorFailure {
  return new VendorFailure(`imbridge: channel_type ${channelType} has no equivalent on imbridge backends (only 1 person and 2 group)`);
}

/** Creates the group or adds (with `reset`, replaces) its members. */
async function upsertGroup(backend: Backend, id: string, subscribers: readonly string[], reset: boolean): Promise<void> {
  const room: RoomRef = { kind: 'group', id };
  const wanted = [...new Set(subscribers.filter((uid) => uid.trim() !== ''))];
  const existing = await unless(backend.rooms.get(room), ['GROUP_NOT_FOUND'], null);
  if (wanted.length > 0) await ensureUsers(backend, wanted);
  if (!existing) {
    const [owner, ...members] = wanted;
    if (owner === undefined) throw new VendorFailure(`imbridge: group "${id}" does not exist yet; create it with at least one subscriber (the first becomes its owner)`);
    await backend.rooms.create('group', { id, name: id, owner, members });
    return;
  }
  const current: Member[] = await listAll((options) => backend.rooms.members.list(room, options));
  if (reset) {
    const leaving = current.filter((member) => !wanted.includes(member.uid)).map((member) => member.uid);
    if (leaving.length > 0) throwFirstFailure(await backend.rooms.members.remove(room, leaving));
  }
  const joining = wanted.filter((uid) => !current.some((member) => member.uid === uid));
  if (joining.length > 0) throwFirstFailure(await backend.rooms.members.add(room, joining));
}

export function createChannelsRouter(context: FacadeContext): Router {
  const router = express.Router();
  router.post(
    '/channel',
    ...vendorRoute(context, async (request, backend) => {
      const body = decode(request, FLAG_FIELDS);
      const channel = checkChannelUpsert(body);
      refuseUnmappableFlags(body, channel.channelType);
      // A person channel without subscribers only carries flags, none of which is kept here.
      if (channel.channelType === PERSON) return undefined;
      if (channel.channelType !== GROUP) throw unsupportedType(channel.channelType);
      await upsertGroup(backend, channel.channelId, channel.subscribers, channel.reset);
      return undefined;
    }),
  );
  router.post(
    '/channel/info',
    ...vendorRoute(context, async (request) => {
      const body = decode(request, FLAG_FIELDS.filter((field) => field !== 'reset'), TEXTS.dataFormat);
      refuseUnmappableFlags(body, number(body, 'channel_type'));
      return undefined;
    }),
  );
  router.post(
    '/channel/delete',
    ...vendorRoute(context, async (request, backend) => {
      const body = decode(request, ['channel_type']);
      const channelType = number(body, 'channel_type');
      if (channelType === PERSON) throw new VendorFailure(TEXTS.personSubscriberCall);
      if (channelType !== GROUP) return undefined;
      await unless(backend.rooms.dismiss({ kind: 'group', id: text(body, 'channel_id') }), ['GROUP_NOT_FOUND', 'INVALID_ID'], undefined);
      return undefined;
    }),
  );
  router.post(
    '/channel/subscriber_add',
    ...vendorRoute(context, async (request, backend) => {
      const body = decode(request, ['channel_type', 'reset', 'temp_subscriber']);
      const change = checkSubscriberChange(body);
      if (number(body, 'temp_subscriber') === 1) throw new VendorFailure(TEXTS.tempSubscriber);
      if (change.channelType !== GROUP) throw unsupportedType(change.channelType);
      await upsertGroup(backend, change.channelId, change.subscribers, number(body, 'reset') === 1);
      return undefined;
    }),
  );
  router.post(
    '/channel/subscriber_remove',
    ...vendorRoute(context, async (request, backend) => {
      const change = checkSubscriberChange(decode(request, ['channel_type', 'reset', 'temp_subscriber']));
      if (change.channelType !== GROUP) throw unsupportedType(change.channelType);
      const room: RoomRef = { kind: 'group', id: change.channelId };
      // Unknown channel: nothing to remove, 200 like the vendor.
      const result = await unless(backend.rooms.members.remove(room, change.subscribers), ['GROUP_NOT_FOUND'], null);
      if (result) throwFirstFailure(result);
      return undefined;
    }),
  );
  return router;
}
