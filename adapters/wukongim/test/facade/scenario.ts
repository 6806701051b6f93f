/**
 * One scripted WuKongIM app session: registrations, one-way and mutual person whitelists
 * (friends), person blacklists (blocks), a group channel with subscribers, member mutes (group
 * blacklist), mute-all (group whitelist), messages, conversation sync and delete, bad input and
 * auth failures — every call in WuKongIM's own wire format.
 */
import type { VendorCall } from './harness.js';

export interface ScenarioStep extends VendorCall {
  name: string;
  /**
   * A documented difference on the OpenIM-backed facade (README "Differences"): the answer that
   * target gives instead. Steps that only read what such a step wrote say so too.
   */
  openIm?: {
    reason: string;
    status: number;
    msgIncludes?: string;
    body?: unknown;
    /** For a sync: the channel that is still listed. */
    listsChannel?: string;
  };
  /** `/conversation/sync`: compared on the fields a unified conversation carries (README, difference 1). */
  sync?: true;
}

export interface ScenarioUsers {
  alice: string;
  bob: string;
  carol: string;
  dave: string;
  group: string;
}

export function usersFor(suffix: string): ScenarioUsers {
  return { alice: `alice_${suffix}`, bob: `bob_${suffix}`, carol: `carol_${suffix}`, dave: `dave_${suffix}`, group: `grp_${suffix}` };
}

const text = (content: string) => Buffer.from(JSON.stringify({ type: 1, content }), 'utf8').toString('base64');

const NO_GROUP_WHITELIST = 'OpenIM has no group whitelist (groups.whitelist.* UNSUPPORTED)';
const NO_CONVERSATION_DELETE = 'OpenIM 3.7–3.8.3 cannot hide a conversation (conversations.delete UNSUPPORTED)';

export function scenario(users: ScenarioUsers): ScenarioStep[] {
  const { alice, bob, carol, dave, group } = users;
  const person = (channel: string, uids: string[]) => ({ channel_id: channel, channel_type: 1, uids });
  const inGroup = (uids: string[]) => ({ channel_id: group, channel_type: 2, uids });
  const send = (from: string, channel: string, type: number, content: string, clientMsgNo: string) => ({
    header: { no_persist: 0, red_dot: 1, sync_once: 0 },
    client_msg_no: clientMsgNo,
    from_uid: from,
    channel_id: channel,
    channel_type: type,
    expire: 0,
    payload: text(content),
  });
  return [
    // ---- registration and its bad input
    ...[alice, bob, carol, dave].map((uid): ScenarioStep => ({ name: `register ${uid}`, method: 'POST', path: '/user/token', body: { uid, token: `login-${uid}`, device_flag: 0, device_level: 1 } })),
    { name: 'register without uid', method: 'POST', path: '/user/token', body: { uid: '', token: 'x' } },
    { name: 'register without token', method: 'POST', path: '/user/token', body: { uid: alice, token: '' } },
    { name: 'register with @ in uid', method: 'POST', path: '/user/token', body: { uid: `x@${alice}`, token: 'x' } },
    { name: 'register the system account', method: 'POST', path: '/user/token', body: { uid: '____system', token: 'x' } },

    // ---- person whitelist = friends, one direction per call
    { name: 'alice whitelists bob (one-way friend entry)', method: 'POST', path: '/channel/whitelist_add', body: person(alice, [bob]) },
    { name: 'alice whitelist lists bob', method: 'GET', path: `/channel/whitelist?channel_id=${alice}&channel_type=1` },
    { name: 'bob whitelist is still empty', method: 'GET', path: `/channel/whitelist?channel_id=${bob}&channel_type=1` },
    { name: 'bob whitelists alice (now mutual)', method: 'POST', path: '/channel/whitelist_add', body: person(bob, [alice]) },
    { name: 'bob allowlist (cluster API)', method: 'GET', path: `/cluster/channels/${bob}/1/allowlist` },
    { name: 'alice re-adds bob (upsert)', method: 'POST', path: '/channel/whitelist_add', body: person(alice, [bob]) },
    { name: 'whitelist_add with empty uids', method: 'POST', path: '/channel/whitelist_add', body: person(alice, []) },
    { name: 'whitelist_add with @ in channel id', method: 'POST', path: '/channel/whitelist_add', body: person(`${alice}@${bob}`, [carol]) },
    { name: 'whitelist_add with channel_type 0', method: 'POST', path: '/channel/whitelist_add', body: { channel_id: alice, channel_type: 0, uids: [carol] } },
    { name: 'whitelist_add with channel_type as a string', method: 'POST', path: '/channel/whitelist_add', body: { channel_id: alice, channel_type: '1', uids: [carol] } },
    { name: 'whitelist_add with an empty body', method: 'POST', path: '/channel/whitelist_add', body: '' },
    { name: 'alice whitelist set to carol and dave', method: 'POST', path: '/channel/whitelist_set', body: person(alice, [dave, carol]) },
    { name: 'alice whitelist lists carol and dave only', method: 'GET', path: `/channel/whitelist?channel_id=${alice}&channel_type=1` },
    { name: 'alice removes carol', method: 'POST', path: '/channel/whitelist_remove', body: person(alice, [carol]) },
    { name: 'alice allowlist holds dave', method: 'GET', path: `/cluster/channels/${alice}/1/allowlist` },
    { name: 'alice removes dave', method: 'POST', path: '/channel/whitelist_remove', body: person(alice, [dave]) },
    { name: 'alice removes carol again (absent uid)', method: 'POST', path: '/channel/whitelist_remove', body: person(alice, [carol]) },
    { name: 'alice whitelist is empty', method: 'GET', path: `/cluster/channels/${alice}/1/allowlist` },

    // ---- person blacklist = blocks
    { name: 'carol blacklists dave and bob', method: 'POST', path: '/channel/blacklist_add', body: person(carol, [dave, bob]) },
    { name: 'carol denylist', method: 'GET', path: `/cluster/channels/${carol}/1/denylist` },
    { name: 'blacklist_add with empty uids', method: 'POST', path: '/channel/blacklist_add', body: person(carol, []) },
    { name: 'carol un-blacklists dave and bob', method: 'POST', path: '/channel/blacklist_remove', body: person(carol, [bob, dave]) },
    { name: 'carol denylist is empty', method: 'GET', path: `/cluster/channels/${carol}/1/denylist` },

    // ---- group channel and subscribers
    {
      name: 'create the group',
      method: 'POST',
      path: '/channel',
      body: { channel_id: group, channel_type: 2, large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0, reset: 1, subscribers: [alice, bob, carol] },
    },
    { name: 'channel with channel_type 0', method: 'POST', path: '/channel', body: { channel_id: group, channel_type: 0, subscribers: [alice] } },
    { name: 'person channel with subscribers', method: 'POST', path: '/channel', body: { channel_id: alice, channel_type: 1, subscribers: [bob] } },
    { name: 'dave joins', method: 'POST', path: '/channel/subscriber_add', body: { channel_id: group, channel_type: 2, subscribers: [dave], reset: 0, temp_subscriber: 0 } },
    { name: 'subscriber_add without subscribers', method: 'POST', path: '/channel/subscriber_add', body: { channel_id: group, channel_type: 2, subscribers: [] } },
    { name: 'subscriber_add with a temp subscriber', method: 'POST', path: '/channel/subscriber_add', body: { channel_id: group, channel_type: 2, subscribers: [dave], temp_subscriber: 1 } },
    { name: 'subscriber_add on a person channel', method: 'POST', path: '/channel/subscriber_add', body: { channel_id: alice, channel_type: 1, subscribers: [dave] } },
    { name: 'dave leaves', method: 'POST', path: '/channel/subscriber_remove', body: { channel_id: group, channel_type: 2, subscribers: [dave] } },
    { name: 'group subscribers', method: 'GET', path: `/cluster/channels/${group}/2/subscribers` },

    // ---- member mutes = group blacklist; mute-all = group whitelist
    { name: 'mute bob', method: 'POST', path: '/channel/blacklist_add', body: inGroup([bob]) },
    { name: 'group denylist holds bob', method: 'GET', path: `/cluster/channels/${group}/2/denylist` },
    { name: 'unmute bob', method: 'POST', path: '/channel/blacklist_remove', body: inGroup([bob]) },
    { name: 'group denylist is empty', method: 'GET', path: `/cluster/channels/${group}/2/denylist` },
    {
      name: 'mute all but alice',
      method: 'POST',
      path: '/channel/whitelist_add',
      body: inGroup([alice]),
      openIm: { reason: NO_GROUP_WHITELIST, status: 400, msgIncludes: 'whitelist' },
    },
    {
      name: 'group whitelist holds alice',
      method: 'GET',
      path: `/channel/whitelist?channel_id=${group}&channel_type=2`,
      openIm: { reason: NO_GROUP_WHITELIST, status: 200, body: [] },
    },
    { name: 'unmute all', method: 'POST', path: '/channel/whitelist_set', body: inGroup([]) },
    { name: 'group whitelist is empty', method: 'GET', path: `/channel/whitelist?channel_id=${group}&channel_type=2` },

    // ---- messages
    { name: 'alice writes to carol', method: 'POST', path: '/message/send', body: send(alice, carol, 1, 'hi carol', `m1${group}`) },
    { name: 'bob writes to carol', method: 'POST', path: '/message/send', body: send(bob, carol, 1, 'hi carol, bob here', `m2${group}`) },
    { name: 'alice writes to the group', method: 'POST', path: '/message/send', body: send(alice, group, 2, 'hello group', `m3${group}`) },
    { name: 'send with an empty payload', method: 'POST', path: '/message/send', body: { ...send(alice, carol, 1, '', 'x'), payload: '' } },
    { name: 'send with @ in channel id', method: 'POST', path: '/message/send', body: send(alice, `${alice}@${carol}`, 1, 'x', 'x') },
    { name: 'send without a channel', method: 'POST', path: '/message/send', body: { ...send(alice, '', 1, 'x', 'x') } },

    // ---- conversations
    { name: 'carol syncs', method: 'POST', path: '/conversation/sync', body: { uid: carol, version: 0, last_msg_seqs: '', msg_count: 1 }, sync: true },
    { name: 'sync with msg_count 0 answers []', method: 'POST', path: '/conversation/sync', body: { uid: carol, version: 0, msg_count: 0 } },
    { name: 'carol deletes the a@b form (200, no effect)', method: 'POST', path: '/conversations/delete', body: { uid: carol, channel_id: `${alice}@${carol}`, channel_type: 1 } },
    {
      name: 'carol deletes her chat with alice',
      method: 'POST',
      path: '/conversations/delete',
      body: { uid: carol, channel_id: alice, channel_type: 1 },
      openIm: { reason: NO_CONVERSATION_DELETE, status: 400, msgIncludes: 'conversations.delete' },
    },
    { name: 'conversation delete without uid', method: 'POST', path: '/conversations/delete', body: { uid: '', channel_id: alice, channel_type: 1 } },
    { name: 'conversation delete without channel', method: 'POST', path: '/conversations/delete', body: { uid: carol, channel_id: '', channel_type: 1 } },
    {
      name: 'carol syncs after the delete',
      method: 'POST',
      path: '/conversation/sync',
      body: { uid: carol, version: 0, last_msg_seqs: '', msg_count: 1 },
      sync: true,
      openIm: { reason: `${NO_CONVERSATION_DELETE}: the chat with alice is still listed`, status: 200, listsChannel: alice },
    },

    // ---- disband
    { name: 'delete a person channel', method: 'POST', path: '/channel/delete', body: { channel_id: alice, channel_type: 1 } },
    { name: 'disband the group', method: 'POST', path: '/channel/delete', body: { channel_id: group, channel_type: 2 } },
    { name: 'disband an unknown group', method: 'POST', path: '/channel/delete', body: { channel_id: `${group}x`, channel_type: 2 } },

    // ---- auth
    { name: 'wrong token', method: 'POST', path: '/channel/whitelist_add', body: person(alice, [dave]), auth: 'wrong' },
    { name: 'no token', method: 'GET', path: `/channel/whitelist?channel_id=${alice}&channel_type=1`, auth: 'none' },
    { name: 'wrong token on /health', method: 'GET', path: '/health', auth: 'wrong' },
    { name: 'the wrong-token call changed nothing', method: 'GET', path: `/channel/whitelist?channel_id=${alice}&channel_type=1` },
  ];
}
