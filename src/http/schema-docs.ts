/**
 * What the OpenAPI document says about each schema of schemas/api.schema.json beyond its
 * structure: a description (where the schema has none of its own) and a realistic example. They
 * live here rather than in the JSON Schema so the validators' source stays about validation; the
 * OpenAPI test checks that every schema has both and that each example passes its own schema.
 *
 * The examples tell one story (alice, bob and carol; the group `team-1`) so that Swagger UI's
 * prefilled Try-it-out requests work one after another on a fresh server.
 */

export interface SchemaDoc {
  /** Used only when the schema has no `description` of its own. */
  description?: string;
  example: unknown;
}

const SINCE = '2026-12-02T09:30:00.000Z';

export const SCHEMA_DOCS: Readonly<Record<string, SchemaDoc>> = {
  Id: { example: 'alice' },
  Uids: { example: ['bob', 'carol'] },
  Name: { description: 'A display name or alias, at most 256 characters.', example: 'Alice Martin' },
  Extra: { example: '{"avatar":"https://example.com/a.png"}' },
  UserPut: { description: 'A user\'s profile: absent fields are left as they are.', example: { name: 'Alice Martin' } },
  UsersBatch: {
    description: 'Up to 1,000 users to register or update in one call.',
    example: { users: [{ uid: 'bob', name: 'Bob Chen' }, { uid: 'carol', name: 'Carol Diaz' }] },
  },
  FriendshipInput: { description: "The caller's view of a friend: an alias and opaque data.", example: { alias: 'Bobby' } },
  FriendRequestCreate: { description: 'A friend request to `to`, with an optional greeting.', example: { to: 'carol', message: 'Hi Carol, it is Alice from the team' } },
  UidsAdd: { description: 'Users to add (1 to 1,000).', example: { uids: ['bob', 'carol'] } },
  UidsReplace: { description: 'The complete new list (0 to 1,000 users); an empty list clears it.', example: { uids: ['bob'] } },
  RoomCreate: {
    description: 'A new group or chatroom: the owner becomes a member with role `owner`; `id` is optional where the backend lets the caller choose it.',
    example: { id: 'team-1', name: 'Team one', owner: 'alice', members: ['bob'] },
  },
  MemberPatch: { description: "A member's new role (the owner's role cannot be changed here).", example: { role: 'admin' } },
  DurationSeconds: { example: 3600 },
  MutePut: { description: 'How long to mute; an empty body mutes until unmuted.', example: { durationSeconds: 3600 } },
  MutesBatch: { description: 'Members to mute, for the same duration.', example: { uids: ['bob'], durationSeconds: 600 } },
  MessageSend: {
    description: 'A text message from a user to a user, group or chatroom; relationship policy decides whether it is accepted.',
    example: { from: 'alice', to: { type: 'user', id: 'bob' }, text: 'Hello Bob' },
  },
  NoBody: { description: 'The operation takes no body.', example: {} },
  ListQuery: { description: 'Paging of a list: `limit` (1–500, default 100) and the opaque `cursor` of the previous page.', example: { limit: 20 } },
  UsersListQuery: { example: { limit: 50 } },
  RoomsListQuery: { example: { limit: 50 } },
  FriendsListQuery: { description: 'Paging and filters of a friend list.', example: { limit: 20, q: 'bo' } },
  FriendRequestsQuery: { description: 'Paging of friend requests and which side to list.', example: { direction: 'incoming' } },
  FriendPutQuery: { description: 'Whether the friendship is mutual (the default) or one-way.', example: { mode: 'mutual' } },
  FriendDeleteQuery: { description: 'Whether both lists lose the entry (the default) or only the caller\'s.', example: { mode: 'mutual' } },
  MembersDeleteQuery: { description: 'The members to remove.', example: { uids: 'bob,carol' } },
  NoQuery: { description: 'The operation takes no query parameters.', example: {} },
  Timestamp: { description: 'An ISO 8601 instant in UTC.', example: SINCE },
  User: { description: 'A registered user.', example: { uid: 'alice', name: 'Alice Martin', extra: null } },
  Friendship: {
    description: "One entry of a user's friend list: `uid`'s view of `friend`.",
    example: { uid: 'alice', friend: 'bob', alias: 'Bobby', extra: null, since: SINCE },
  },
  FriendRequest: {
    description: 'A friend request and where it stands.',
    example: { from: 'alice', to: 'carol', message: 'Hi Carol, it is Alice from the team', status: 'pending', createdAt: SINCE },
  },
  Block: { description: '`uid` blocks `blocked` (one-way).', example: { uid: 'alice', blocked: 'bob', since: SINCE } },
  Relation: {
    description: 'Everything two users are to each other, seen from `uid`.',
    example: { uid: 'alice', other: 'bob', friend: true, friendOf: true, blocking: false, blockedBy: false, alias: 'Bobby', extra: null },
  },
  UidEntry: { description: 'One user of a whitelist or a room blocklist.', example: { uid: 'bob' } },
  Room: { description: 'A group or a chatroom.', example: { id: 'team-1', kind: 'group', name: 'Team one', owner: 'alice', muteAll: false, memberCount: 2 } },
  MutedUntil: { description: 'When a mute ends: an instant, `forever` (until unmuted), or null (not muted).', example: '2026-12-02T10:30:00.000Z' },
  Member: { description: 'A member of a room, its role and mute.', example: { uid: 'bob', role: 'member', mutedUntil: null } },
  Mute: { description: 'An active mute.', example: { uid: 'bob', mutedUntil: '2026-12-02T10:30:00.000Z' } },
  Conversation: {
    description: "One conversation in a user's list, most recent first.",
    example: { peer: { type: 'user', id: 'bob' }, unread: 2, lastMessageAt: SINCE },
  },
  SentMessage: { description: 'The accepted message: its id on the backend and when it was sent.', example: { id: '1733131800000123', sentAt: SINCE } },
  BatchResult: {
    description: 'One result per id of a batch call, in the order sent; a failed item carries its own error, the others are applied.',
    example: {
      results: [
        { id: 'bob', ok: true },
        { id: 'zoe', ok: false, error: { code: 'USER_NOT_FOUND', message: 'no user "zoe"', retryable: false } },
      ],
    },
  },
  ErrorBody: {
    description: 'What went wrong: a stable `code`, a message for people, whether a retry may succeed, and for vendor failures what the vendor answered.',
    example: { code: 'BLOCKED', message: '"bob" blocks "alice"', retryable: false },
  },
  ErrorEnvelope: { description: 'Every error answer of the unified API.', example: { error: { code: 'USER_NOT_FOUND', message: 'no user "zoe"', retryable: false } } },
  CapabilityDocument: {
    description: "What the selected backend can do (`false` = 501 UNSUPPORTED; an object = per-option support) and its ID rule.",
    example: {
      backend: 'local',
      vendor: 'native',
      capabilities: { 'users.put': true, 'users.whitelist.list': true, 'groups.mutes.set': { duration: true, stacked: true } },
      idRule: { pattern: '^(?!\\.{1,2}$)[A-Za-z0-9_.@:-]{1,64}$', maxLength: 64, description: '1–64 characters of A-Z a-z 0-9 _ - . @ :' },
    },
  },
  BackendList: {
    description: 'The configured backends this API key may use, with their health; never secrets.',
    example: { default: 'local', items: [{ name: 'local', vendor: 'native', default: true, health: { ok: true } }] },
  },
};

/** Example values of path parameters, by name, in the same story as the schema examples. */
export const PATH_PARAMETER_EXAMPLES: Readonly<Record<string, string>> = {
  uid: 'alice',
  friend: 'bob',
  other: 'bob',
  id: 'team-1',
  kind: 'groups',
  type: 'user',
  peerId: 'bob',
};
