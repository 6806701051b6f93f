/**
 * The scripted Wildfire scenario of the differential test: vendor-shaped admin calls (users,
 * relations, groups, mutes, conversations, messages, bad input, auth failures) in the order an
 * app server would make them. Ids are fresh per run and chosen so that creation order is also id
 * order (Wildfire lists friends by each row's last change; see the README on list order).
 */
import { signedHeaders, wildfireSign } from '../../protocol/wire.js';
import type { WireAnswer } from './harness.js';

export interface Step {
  label: string;
  path: string;
  body: unknown;
  method?: string;
  /** Headers instead of a correct signature (auth failures); built from the target's secret. */
  headers?: (secret: string) => Record<string, string>;
  /**
   * Where the facade over OpenIM answers differently because OpenIM lacks the capability: the
   * expected answer derived from the Wildfire fake's, and the reason (listed in the README).
   */
  openim?: { reason: string; expect: (fakeAnswer: Normalized) => Normalized };
  /** Where the facade answers differently over every backend (README "Differences from a real Wildfire server"). */
  facade?: { reason: string; expect: (fakeAnswer: Normalized) => Normalized };
}

export interface Ids {
  a: string;
  b: string;
  c: string;
  d: string;
  unknown: string;
  group: string;
}

/** What is compared: status, content type family, and the body with generated ids and times replaced. */
export interface Normalized {
  status: number;
  body: unknown;
}

/** Fields that carry generated ids or clock readings: replaced by a marker, nothing else changes. */
const GENERATED = new Set(['updateDt', 'createDt', 'timestamp', 'messageUid']);

export function normalize(answer: WireAnswer): Normalized {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, GENERATED.has(key) ? `<${key}>` : walk(inner)]));
    }
    return value;
  };
  return { status: answer.status, body: answer.json === undefined ? answer.text : walk(answer.json) };
}

const OPENIM_NO_WHITELIST = 'OpenIM has no group mute whitelist (groups.whitelist.* unsupported): /admin/group/manager/allow answers HTTP 500 with an empty body, as a server without the handler';
const OPENIM_NO_CONVERSATION_DELETE = 'OpenIM 3.7–3.8.3 cannot hide a conversation (conversations.delete unsupported): /admin/conversation/delete answers HTTP 500 with an empty body';
const NO_HANDLER = (): Normalized => ({ status: 500, body: '' });

function user(id: string, displayName: string): Record<string, unknown> {
  return { userId: id, name: id, displayName, portrait: '', gender: 0, mobile: '', email: '', address: '', company: '', social: '', extra: '', type: 0 };
}

export function scenario(ids: Ids): Step[] {
  const { a, b, c, d, unknown, group } = ids;
  const member = (uid: string, type: number) => ({ member_id: uid, alias: '', type, extra: '' });
  return [
    // ---- users ----
    { label: 'create a', path: '/admin/user/create', body: user(a, 'Alice') },
    { label: 'create b', path: '/admin/user/create', body: user(b, 'Bob') },
    { label: 'create c (displayName "" becomes the name)', path: '/admin/user/create', body: { userId: c, name: c, displayName: '' } },
    { label: 'create d', path: '/admin/user/create', body: user(d, 'Dee') },
    { label: 'get a', path: '/admin/user/get_info', body: { userId: a } },
    {
      label: 'get c',
      path: '/admin/user/get_info',
      body: { userId: c },
      openim: {
        reason: 'The OpenIM adapter reads a nickname equal to the user id as "no name" (OpenIM requires a nickname and the adapter registers nameless users with their id), so a displayName equal to the user id reads back empty',
        expect: (fake) => {
          const body = structuredClone(fake.body) as { result: { displayName: string } };
          body.result.displayName = '';
          return { status: fake.status, body };
        },
      },
    },
    { label: 'get unknown → 253', path: '/admin/user/get_info', body: { userId: unknown } },
    { label: 'create without name → 251', path: '/admin/user/create', body: { userId: unknown } },
    { label: 'create with type 7 → 251', path: '/admin/user/create', body: { userId: unknown, name: unknown, type: 7 } },
    { label: 'update a displayName', path: '/admin/user/update', body: { flag: 1, userInfo: { userId: a, displayName: 'Alice A.' } } },
    { label: 'get a after update', path: '/admin/user/get_info', body: { userId: a } },
    // ---- friends (two-way) ----
    { label: 'a↔b friends', path: '/admin/friend/status', body: { userId: a, friendUid: b, status: 0 } },
    { label: 'a↔c friends with extra', path: '/admin/friend/status', body: { userId: a, friendUid: c, status: 0, extra: 'met at work' } },
    { label: 'a lists b, c', path: '/admin/friend/list', body: { userId: a } },
    { label: 'b lists a (two-way)', path: '/admin/friend/list', body: { userId: b } },
    { label: 'unknown lists nobody', path: '/admin/friend/list', body: { userId: unknown } },
    { label: 'relation a→c', path: '/admin/relation/get', body: { first: a, second: c } },
    { label: 'a↔c friends again without extra: a\'s extra is blanked', path: '/admin/friend/status', body: { userId: a, friendUid: c, status: 0 } },
    { label: 'relation a→c (extra "")', path: '/admin/relation/get', body: { first: a, second: c } },
    { label: 'set alias a→b', path: '/admin/friend/set_alias', body: { operator: a, targetId: b, alias: 'Bobby' } },
    { label: 'get alias a→b', path: '/admin/friend/get_alias', body: { operator: a, targetId: b } },
    { label: 'set extra a→b', path: '/admin/friend/set_extra', body: { operator: a, targetId: b, extra: '{"vip":true}' } },
    { label: 'relation a→b', path: '/admin/relation/get', body: { first: a, second: b } },
    { label: 'get alias with no row', path: '/admin/friend/get_alias', body: { operator: b, targetId: d } },
    { label: 'set alias b→d, not friends: the one-way friend row quirk', path: '/admin/friend/set_alias', body: { operator: b, targetId: d, alias: 'D' } },
    { label: 'b now lists a, d', path: '/admin/friend/list', body: { userId: b } },
    { label: 'd lists nobody (one-way)', path: '/admin/friend/list', body: { userId: d } },
    { label: 'friend status without friendUid → 251', path: '/admin/friend/status', body: { userId: a, status: 0 } },
    // ---- blacklist (one-way) ----
    { label: 'a blocks d', path: '/admin/blacklist/status', body: { userId: a, targetUid: d, status: 2 } },
    { label: 'a blacklist', path: '/admin/blacklist/list', body: { userId: a } },
    { label: 'relation a→d (blocked)', path: '/admin/relation/get', body: { first: a, second: d } },
    { label: 'relation d→a (one-way: no row)', path: '/admin/relation/get', body: { first: d, second: a } },
    { label: 'blacklist status 5 → 251', path: '/admin/blacklist/status', body: { userId: a, targetUid: d, status: 5 } },
    // ---- friend requests ----
    { label: 'd asks a, who blocks d → 246', path: '/admin/friend/send_request', body: { userId: d, friendUid: a, reason: 'hi' } },
    { label: 'a asks b, already friends → 23', path: '/admin/friend/send_request', body: { userId: a, friendUid: b, reason: 'hi', force: true } },
    { label: 'c asks d', path: '/admin/friend/send_request', body: { userId: c, friendUid: d, reason: 'hello' } },
    {
      label: 'c asks d again: Wildfire lets one quick repeat through',
      path: '/admin/friend/send_request',
      body: { userId: c, friendUid: d, reason: 'hello?' },
      facade: {
        reason: 'Wildfire accepts and rewrites one repeat within 5 minutes of the last update; a unified request cannot be rewritten, so every facade target answers a repeat with 16',
        expect: () => ({ status: 200, body: { code: 16, msg: 'already send request' } }),
      },
    },
    { label: 'c asks d a third time → 16', path: '/admin/friend/send_request', body: { userId: c, friendUid: d, reason: 'hello??' } },
    { label: 'c lists d one-way (set_alias)', path: '/admin/friend/set_alias', body: { operator: c, targetId: d, alias: 'D' } },
    { label: 'c asks d once more → 16: the pending request comes before 23', path: '/admin/friend/send_request', body: { userId: c, friendUid: d, reason: 'hi' } },
    { label: 'c drops d (status 2: c\'s row only)', path: '/admin/friend/status', body: { userId: c, friendUid: d, status: 2 } },
    { label: 'request without reason → HTTP 500 NPE', path: '/admin/friend/send_request', body: { userId: c, friendUid: b } },
    { label: 'a unblocks d', path: '/admin/blacklist/status', body: { userId: a, targetUid: d, status: 0 } },
    { label: 'a blacklist empty', path: '/admin/blacklist/list', body: { userId: a } },
    { label: 'a↮c unfriend', path: '/admin/friend/status', body: { userId: a, friendUid: c, status: 1 } },
    { label: 'c lists nobody', path: '/admin/friend/list', body: { userId: c } },
    // ---- groups ----
    {
      label: 'create group (owner a, manager c)',
      path: '/admin/group/create',
      body: { operator: a, group: { group_info: { target_id: group, name: 'Team', portrait: '', owner: a, type: 2, extra: '', mute: 0 }, members: [member(a, 0), member(b, 0), member(c, 1)] }, to_lines: [0] },
    },
    {
      label: 'create same group → 11',
      path: '/admin/group/create',
      body: { operator: a, group: { group_info: { target_id: group, name: 'Team', owner: a, type: 2 }, members: [member(a, 0)] } },
    },
    { label: 'create without group → HTTP 500 NPE', path: '/admin/group/create', body: { operator: a } },
    { label: 'group info', path: '/admin/group/get_info', body: { groupId: group } },
    { label: 'members', path: '/admin/group/member/list', body: { groupId: group } },
    { label: 'add d', path: '/admin/group/member/add', body: { operator: a, group_id: group, members: [member(d, 0)], to_lines: [0] } },
    { label: 'b becomes manager', path: '/admin/group/manager/set', body: { operator: a, group_id: group, members: [b], is_manager: true } },
    { label: 'get member b', path: '/admin/group/member/get', body: { groupId: group, memberId: b } },
    { label: 'manager/set naming the owner → 248', path: '/admin/group/manager/set', body: { operator: a, group_id: group, members: [a], is_manager: true } },
    { label: 'manager/set without members → 251', path: '/admin/group/manager/set', body: { operator: a, group_id: group, members: [], is_manager: true } },
    { label: 're-adding manager c as 0 demotes (upsert)', path: '/admin/group/member/add', body: { operator: a, group_id: group, members: [member(c, 0)] } },
    { label: 'mute all', path: '/admin/group/modify', body: { operator: a, group_id: group, type: 3, value: '1' } },
    { label: 'group info muted', path: '/admin/group/get_info', body: { groupId: group } },
    { label: 'manager b speaks while muted', path: '/admin/message/send', body: { sender: b, conv: { type: 1, target: group, line: 0 }, payload: { type: 1, searchableContent: 'quiet please' } } },
    { label: 'unmute all', path: '/admin/group/modify', body: { operator: a, group_id: group, type: 3, value: '0' } },
    { label: 'mute member d (pro)', path: '/admin/group/manager/mute', body: { operator: a, group_id: group, members: [d], is_manager: true } },
    { label: 'allow member c (pro)', path: '/admin/group/manager/allow', body: { operator: a, group_id: group, members: [c], is_manager: true }, openim: { reason: OPENIM_NO_WHITELIST, expect: NO_HANDLER } },
    {
      label: 'members with types 2, 1, 5, 3',
      path: '/admin/group/member/list',
      body: { groupId: group },
      openim: {
        reason: OPENIM_NO_WHITELIST,
        expect: (fake) => {
          const body = structuredClone(fake.body) as { result: { members: Array<{ member_id: string; type: number }> } };
          for (const entry of body.result.members) if (entry.member_id === c) entry.type = 0;
          return { status: fake.status, body };
        },
      },
    },
    { label: 'unmute d (pro)', path: '/admin/group/manager/mute', body: { operator: a, group_id: group, members: [d], is_manager: false } },
    { label: 'disallow c (pro)', path: '/admin/group/manager/allow', body: { operator: a, group_id: group, members: [c], is_manager: false }, openim: { reason: OPENIM_NO_WHITELIST, expect: NO_HANDLER } },
    { label: 'kick d', path: '/admin/group/member/del', body: { operator: a, group_id: group, members: [d] } },
    { label: 'kick a non-member', path: '/admin/group/member/del', body: { operator: a, group_id: group, members: [unknown] } },
    { label: 'members after kick', path: '/admin/group/member/list', body: { groupId: group } },
    { label: 'get kicked d → 253', path: '/admin/group/member/get', body: { groupId: group, memberId: d } },
    { label: 'modify unknown group → 253', path: '/admin/group/modify', body: { operator: a, group_id: `${group}_x`, type: 3, value: '1' } },
    // ---- messages and conversations ----
    { label: 'a writes b', path: '/admin/message/send', body: { sender: a, conv: { type: 0, target: b, line: 0 }, payload: { type: 1, searchableContent: 'hello' } } },
    { label: 'send to conv type 9 → 251', path: '/admin/message/send', body: { sender: a, conv: { type: 9, target: b, line: 0 }, payload: { type: 1 } } },
    { label: 'send without sender → 251', path: '/admin/message/send', body: { conv: { type: 0, target: b, line: 0 }, payload: { type: 1 } } },
    { label: 'send to unknown group → 253', path: '/admin/message/send', body: { sender: a, conv: { type: 1, target: `${group}_x`, line: 0 }, payload: { type: 1, searchableContent: 'x' } } },
    {
      label: 'a deletes the conversation with b (pro)',
      path: '/admin/conversation/delete',
      body: { userId: a, conversation: { type: 0, target: b, line: 0 } },
      openim: { reason: OPENIM_NO_CONVERSATION_DELETE, expect: NO_HANDLER },
    },
    { label: 'dismiss group', path: '/admin/group/del', body: { operator: a, group_id: group } },
    { label: 'info of dismissed group → 253', path: '/admin/group/get_info', body: { groupId: group } },
    { label: 'dismiss again → 253', path: '/admin/group/del', body: { operator: a, group_id: group } },
    // ---- bad input and wrong credentials ----
    { label: 'malformed JSON → HTTP 500 Gson text', path: '/admin/friend/list', body: '{"userId":' },
    { label: 'GET on a POST route → HTTP 500 empty', path: '/admin/friend/list', body: null, method: 'GET' },
    { label: 'unknown admin path → HTTP 500 empty', path: '/admin/no/such/route', body: {} },
    { label: 'wrong secret → 244', path: '/admin/friend/list', body: { userId: a }, headers: () => signedHeaders('not-the-secret') },
    { label: 'upper-case sign → 244', path: '/admin/friend/list', body: { userId: a }, headers: (secret) => upperCaseSign(secret) },
    { label: 'no sign header → 239', path: '/admin/friend/list', body: { userId: a }, headers: (secret) => withoutSign(secret) },
    { label: 'timestamp 3 h old → 243', path: '/admin/friend/list', body: { userId: a }, headers: (secret) => signedHeaders(secret, () => Date.now() - 3 * 3_600_000) },
    { label: 'timestamp not a long → 239', path: '/admin/friend/list', body: { userId: a }, headers: (secret) => ({ nonce: '7', timestamp: 'soon', sign: wildfireSign('7', secret, 'soon') }) },
  ];
}

function upperCaseSign(secret: string): Record<string, string> {
  const headers = signedHeaders(secret);
  return { ...headers, sign: headers.sign!.toUpperCase() };
}

function withoutSign(secret: string): Record<string, string> {
  const { sign: _sign, ...rest } = signedHeaders(secret);
  return rest;
}
