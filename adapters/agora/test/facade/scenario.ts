/**
 * One scripted app session in Agora's wire format: users, contacts, block lists, groups, members,
 * allow lists, mutes, mute-all, bans, chat rooms, conversations, messages, bad input and auth
 * failures. Each step is built from the session's context (user names, ids the target generated)
 * so the same script replays on any target.
 */
import { CREDENTIALS, appToken, userToken, type CallOptions } from './harness.js';

export interface ScenarioContext {
  /** Users, named so that their uid order is their registration order. */
  a: string;
  b: string;
  c: string;
  d: string;
  /** Registered in the batch with a duplicate. */
  f: string;
  /** Never registered. */
  missing: string;
  /** Ids the target generated (group, chat room) and cursors it answered, by name. */
  captured: Map<string, string>;
}

export interface Step {
  name: string;
  request(context: ScenarioContext): CallOptions;
  /** Stores generated ids or cursors of the answer. */
  capture?(body: unknown, context: ScenarioContext): void;
  /** Chat-room steps: WuKongIM has no chat rooms. */
  chatroom?: boolean;
  /** A timed member mute: WuKongIM group mutes have no timer. */
  timedMute?: boolean;
  /** The answer's `data` maps targets to generated message ids. */
  messageIds?: boolean;
}

export function scenarioContext(run: string): ScenarioContext {
  return { a: `${run}-a`, b: `${run}-b`, c: `${run}-c`, d: `${run}-d`, f: `${run}-f`, missing: `${run}-z`, captured: new Map() };
}

const group = (context: ScenarioContext): string => context.captured.get('group') ?? '0';
const room = (context: ScenarioContext): string => context.captured.get('chatroom') ?? '0';
const data = (body: unknown): Record<string, unknown> => ((body as { data?: Record<string, unknown> } | null)?.data ?? {}) as Record<string, unknown>;

export const SCENARIO: readonly Step[] = [
  // ── users (§5)
  { name: 'register one user with a nickname', request: (c) => ({ method: 'POST', path: '/users', body: { username: c.a, password: 'pw-a', nickname: 'Alice' } }) },
  {
    name: 'register a batch',
    request: (c) => ({ method: 'POST', path: '/users', body: [c.b, c.c, c.d].map((username) => ({ username, password: `pw-${username}` })) }),
  },
  { name: 'register an existing user', request: (c) => ({ method: 'POST', path: '/users', body: { username: c.a, password: 'pw' } }) },
  { name: 'register an illegal username', request: () => ({ method: 'POST', path: '/users', body: { username: 'Not Legal', password: 'pw' } }) },
  { name: 'register without a password', request: (c) => ({ method: 'POST', path: '/users', body: { username: c.missing } }) },
  {
    name: 'batch with a duplicate: the others still register',
    request: (c) => ({ method: 'POST', path: '/users', body: [{ username: c.a, password: 'pw' }, { username: c.f, password: 'pw' }] }),
  },
  { name: 'get a user', request: (c) => ({ method: 'GET', path: `/users/${c.a}` }) },
  { name: 'set a nickname', request: (c) => ({ method: 'PUT', path: `/users/${c.b}`, body: { nickname: 'Bob' } }) },
  { name: 'get an unknown user', request: (c) => ({ method: 'GET', path: `/users/${c.missing}` }) },
  { name: 'the /app-id/{appId} prefix serves the same app', request: (c) => ({ method: 'GET', path: `/users/${c.b}`, prefix: `/app-id/${CREDENTIALS.appId}` }) },

  // ── contacts (§6)
  { name: 'add a contact', request: (c) => ({ method: 'POST', path: `/users/${c.a}/contacts/users/${c.b}` }) },
  { name: 'add a second contact', request: (c) => ({ method: 'POST', path: `/users/${c.a}/contacts/users/${c.c}` }) },
  { name: 're-add a contact (idempotent)', request: (c) => ({ method: 'POST', path: `/users/${c.a}/contacts/users/${c.b}` }) },
  { name: 'add oneself', request: (c) => ({ method: 'POST', path: `/users/${c.a}/contacts/users/${c.a}` }) },
  { name: 'add an unknown user', request: (c) => ({ method: 'POST', path: `/users/${c.a}/contacts/users/${c.missing}` }) },
  { name: 'contact list, newest first', request: (c) => ({ method: 'GET', path: `/users/${c.a}/contacts/users` }) },
  { name: 'the add was two-way', request: (c) => ({ method: 'GET', path: `/users/${c.b}/contacts/users` }) },
  { name: 'set a remark', request: (c) => ({ method: 'PUT', path: `/user/${c.a}/contacts/users/${c.b}`, body: { remark: 'bestie' } }) },
  { name: 'remark on a non-contact', request: (c) => ({ method: 'PUT', path: `/user/${c.a}/contacts/users/${c.d}`, body: { remark: 'x' } }) },
  {
    name: 'paged contacts with remarks, first page',
    request: (c) => ({ method: 'GET', path: `/user/${c.a}/contacts?limit=1&needReturnRemark=true` }),
    capture: (body, c) => {
      const cursor = (body as { cursor?: string }).cursor;
      if (cursor !== undefined) c.captured.set('cursor', cursor);
    },
  },
  {
    name: 'paged contacts, second page',
    request: (c) => ({ method: 'GET', path: `/user/${c.a}/contacts?limit=1&needReturnRemark=true&cursor=${encodeURIComponent(c.captured.get('cursor') ?? '')}` }),
  },
  { name: 'paged contacts over the page cap', request: (c) => ({ method: 'GET', path: `/user/${c.a}/contacts?limit=51` }) },
  { name: 'delete a contact from the other side', request: (c) => ({ method: 'DELETE', path: `/users/${c.b}/contacts/users/${c.a}` }) },
  { name: 'the delete was two-way', request: (c) => ({ method: 'GET', path: `/users/${c.a}/contacts/users` }) },

  // ── user block list (§7)
  { name: 'block a user', request: (c) => ({ method: 'POST', path: `/users/${c.a}/blocks/users`, body: { usernames: [c.d] } }) },
  { name: 'block list', request: (c) => ({ method: 'GET', path: `/users/${c.a}/blocks/users` }) },
  { name: 'block list, one page', request: (c) => ({ method: 'GET', path: `/users/${c.a}/blocks/users?pageSize=10` }) },
  { name: 'block an unknown user', request: (c) => ({ method: 'POST', path: `/users/${c.a}/blocks/users`, body: { usernames: [c.missing] } }) },
  {
    name: 'block over the 50 cap',
    request: (c) => ({ method: 'POST', path: `/users/${c.a}/blocks/users`, body: { usernames: Array.from({ length: 51 }, () => c.b) } }),
  },
  { name: 'block without usernames', request: (c) => ({ method: 'POST', path: `/users/${c.a}/blocks/users`, body: { names: [c.b] } }) },
  { name: 'unblock', request: (c) => ({ method: 'DELETE', path: `/users/${c.a}/blocks/users/${c.d}` }) },

  // ── groups (§8)
  {
    name: 'create a group',
    request: (c) => ({ method: 'POST', path: '/chatgroups', body: { groupname: 'team', description: '', public: false, owner: c.a, members: [c.b] } }),
    capture: (body, c) => {
      const id = data(body).groupid;
      if (typeof id === 'string') c.captured.set('group', id);
    },
  },
  { name: 'create a group for an unknown owner', request: (c) => ({ method: 'POST', path: '/chatgroups', body: { groupname: 'x', public: false, owner: c.missing } }) },
  {
    name: 'create a group without `public` (optional per Agora)',
    request: (c) => ({ method: 'POST', path: '/chatgroups', body: { groupname: 'x', owner: c.a } }),
    capture: (body, c) => {
      const id = data(body).groupid;
      if (typeof id === 'string') c.captured.set('unlisted-group', id);
    },
  },
  { name: 'group details', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}` }) },
  { name: 'add one member', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/users/${c.c}` }) },
  { name: 'add a member twice', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/users/${c.c}` }) },
  { name: 'add members in a batch', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/users`, body: { usernames: [c.d, c.b] } }) },
  { name: 'add a batch of members already in (403 on groups)', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/users`, body: { usernames: [c.b, c.d] } }) },
  { name: 'add an unknown user', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/users/${c.missing}` }) },
  { name: 'member list', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/users?pagenum=1&pagesize=10` }) },
  { name: 'members of an unknown group', request: () => ({ method: 'GET', path: '/chatgroups/999999/users' }) },

  // ── group admins (§17)
  { name: 'make a member an admin', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/admin`, body: { newadmin: c.c } }) },
  { name: 'admin list', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/admin` }) },
  { name: 'make a non-member an admin', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/admin`, body: { newadmin: c.f } }) },
  { name: 'make an admin without `newadmin`', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/admin`, body: { admin: c.c } }) },
  { name: 'demote an admin', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/admin/${c.c}` }) },
  { name: 'demote a non-admin', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/admin/${c.c}` }) },
  { name: 'admin list after the demotion', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/admin` }) },

  // ── group allow list (§10)
  { name: 'allow-list one member', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/white/users/${c.b}` }) },
  { name: 'allow-list a batch', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/white/users`, body: { usernames: [c.c] } }) },
  { name: 'allow-list a non-member (403 on groups)', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/white/users/${c.f}` }) },
  { name: 'allow list', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/white/users` }) },
  { name: 'remove from the allow list', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/white/users/${c.c}` }) },

  // ── group mutes and mute-all (§11)
  { name: 'mute a member until unmuted', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/mute`, body: { usernames: [c.b], mute_duration: -1 } }) },
  { name: 'mute the owner', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/mute`, body: { usernames: [c.a], mute_duration: -1 } }) },
  { name: 'mute a non-member', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/mute`, body: { usernames: [c.f], mute_duration: -1 } }) },
  { name: 'mute without a duration', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/mute`, body: { usernames: [c.b] } }) },
  { name: 'mute list', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/mute` }) },
  {
    name: 'a timed mute replaces the permanent one',
    request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/mute`, body: { usernames: [c.b], mute_duration: 60_000 } }),
    timedMute: true,
  },
  { name: 'unmute', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/mute/${c.b}` }) },
  { name: 'mute list after unmute', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/mute` }) },
  { name: 'mute all', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/ban` }) },
  { name: 'details show mute-all', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}` }) },
  {
    name: 'the owner sends to the group',
    request: (c) => ({ method: 'POST', path: '/messages/chatgroups', body: { from: c.a, to: [group(c)], type: 'txt', body: { msg: 'hello team' } } }),
    messageIds: true,
  },
  { name: 'mute all off', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/ban` }) },

  // ── group bans (§12)
  { name: 'ban one member', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/blocks/users/${c.d}` }) },
  { name: 'ban a batch: banned, owner, non-member', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/blocks/users`, body: { usernames: [c.d, c.a, c.f] } }) },
  { name: 'ban list', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/blocks/users` }) },
  { name: 'a banned user cannot be added', request: (c) => ({ method: 'POST', path: `/chatgroups/${group(c)}/users/${c.d}` }) },
  { name: 'unban one (object answer)', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/blocks/users/${c.d}` }) },

  // ── member removal (§8)
  { name: 'remove one member', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/users/${c.c}` }) },
  { name: 'remove the owner', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/users/${c.a}` }) },
  { name: 'remove a comma list (per-user results)', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}/users/${c.b}%2C${c.f}` }) },
  { name: 'members after removals', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}/users` }) },

  // ── chat rooms (§9–§11)
  {
    name: 'create a chat room',
    request: (c) => ({ method: 'POST', path: '/chatrooms', body: { name: 'live', description: 'live', owner: c.a, members: [c.b] } }),
    capture: (body, c) => {
      const id = data(body).id;
      if (typeof id === 'string') c.captured.set('chatroom', id);
    },
    chatroom: true,
  },
  { name: 'chat room details', request: (c) => ({ method: 'GET', path: `/chatrooms/${room(c)}` }), chatroom: true },
  { name: 'allow-list a chat room non-member (400 on chat rooms)', request: (c) => ({ method: 'POST', path: `/chatrooms/${room(c)}/white/users/${c.c}` }), chatroom: true },
  {
    name: 'timed mute in a chat room',
    request: (c) => ({ method: 'POST', path: `/chatrooms/${room(c)}/mute`, body: { usernames: [c.b], mute_duration: 60_000 } }),
    chatroom: true,
    timedMute: true,
  },
  { name: 'chat room mute list', request: (c) => ({ method: 'GET', path: `/chatrooms/${room(c)}/mute` }), chatroom: true },
  { name: 'dismiss the chat room', request: (c) => ({ method: 'DELETE', path: `/chatrooms/${room(c)}` }), chatroom: true },
  { name: 'details of a dismissed chat room', request: (c) => ({ method: 'GET', path: `/chatrooms/${room(c)}` }), chatroom: true },

  // ── messages and conversations (§13, §14)
  {
    name: 'send a direct message',
    request: (c) => ({ method: 'POST', path: '/messages/users', body: { from: c.a, to: [c.b], type: 'txt', body: { msg: 'hi' } } }),
    messageIds: true,
  },
  { name: 'send without a body', request: (c) => ({ method: 'POST', path: '/messages/users', body: { from: c.a, to: [c.b], type: 'txt' } }) },
  { name: 'send to an unknown user', request: (c) => ({ method: 'POST', path: '/messages/users', body: { from: c.a, to: [c.missing], type: 'txt', body: { msg: 'hi' } } }) },
  { name: 'delete a conversation', request: (c) => ({ method: 'DELETE', path: `/users/${c.a}/user_channel`, body: { channel: c.b, type: 'chat', delete_roam: false } }) },
  { name: 'delete a group conversation', request: (c) => ({ method: 'DELETE', path: `/users/${c.a}/user_channel`, body: { channel: group(c), type: 'groupchat', delete_roam: true } }) },
  { name: 'delete a conversation of a bad type', request: (c) => ({ method: 'DELETE', path: `/users/${c.a}/user_channel`, body: { channel: c.b, type: 'room', delete_roam: false } }) },
  { name: 'delete a conversation with a list body', request: (c) => ({ method: 'DELETE', path: `/users/${c.a}/user_channel`, body: [c.b] }) },

  // ── group dismissal
  { name: 'dismiss the group', request: (c) => ({ method: 'DELETE', path: `/chatgroups/${group(c)}` }) },
  { name: 'details of a dismissed group', request: (c) => ({ method: 'GET', path: `/chatgroups/${group(c)}` }) },

  // ── bad input (§1, §2)
  { name: 'bad JSON', request: () => ({ method: 'POST', path: '/users', raw: '{"username":', contentType: 'application/json' }) },
  { name: 'a body that is not JSON', request: (c) => ({ method: 'POST', path: '/users', raw: `username=${c.missing}`, contentType: 'application/x-www-form-urlencoded' }) },
  { name: 'over the 60 cap', request: (c) => ({ method: 'POST', path: '/users', body: Array.from({ length: 61 }, (_, index) => ({ username: `${c.missing}${index}`, password: 'pw' })) }) },

  // ── auth failures (§2, §3)
  { name: 'no token', request: (c) => ({ method: 'GET', path: `/users/${c.a}`, authorization: null }) },
  { name: 'a corrupt token', request: (c) => ({ method: 'GET', path: `/users/${c.a}`, authorization: 'Bearer 007eJxnot-a-token' }) },
  { name: 'a token of another certificate', request: (c) => ({ method: 'GET', path: `/users/${c.a}`, authorization: `Bearer ${appToken(CREDENTIALS.appId, '00000000000000000000000000000000')}` }) },
  { name: 'a user token', request: (c) => ({ method: 'GET', path: `/users/${c.a}`, authorization: `Bearer ${userToken(c.a)}` }) },
  { name: 'another org/app', request: (c) => ({ method: 'GET', path: `/users/${c.a}`, prefix: '/other-org/other-app' }) },
  { name: 'an unknown route', request: (c) => ({ method: 'GET', path: `/users/${c.a}/no-such-thing/here` }) },
];
