/**
 * The fake OpenIM server's state, in OpenIM's own terms (vendor note §6–§10): directional
 * friend rows, friend applications keyed by (from, to), directional black rows, groups with
 * member rows (roleLevel, muteEndTime), per-owner conversation rows and per-conversation
 * message sequences.
 */
import { parseOpenImVersion } from '../protocol/version.js';

export interface FakeUser {
  userID: string;
  nickname: string;
  faceURL: string;
  ex: string;
  /** ms */
  createTime: number;
  appMangerLevel: number;
  globalRecvMsgOpt: number;
}

export interface FakeFriend {
  ownerUserID: string;
  friendUserID: string;
  remark: string;
  /** Unix seconds (note §7). */
  createTime: number;
  /** 1 import, 2 application. */
  addSource: number;
  operatorUserID: string;
  ex: string;
  isPinned: boolean;
}

export interface FakeFriendRequest {
  fromUserID: string;
  toUserID: string;
  /** 0 pending, 1 agreed, -1 refused. */
  handleResult: number;
  reqMsg: string;
  /** ms */
  createTime: number;
  handlerUserID: string;
  handleMsg: string;
  handleTime: number;
  ex: string;
}

export interface FakeBlack {
  ownerUserID: string;
  blockUserID: string;
  /** ms; get_black_list shows seconds, get_specified_blacks ms (note §8). */
  createTime: number;
  addSource: number;
  operatorUserID: string;
  ex: string;
}

export interface FakeGroup {
  groupID: string;
  groupName: string;
  notification: string;
  introduction: string;
  faceURL: string;
  ownerUserID: string;
  createTime: number;
  ex: string;
  /** 0 ok, 1 ban-chat, 2 dismissed, 3 muted. */
  status: number;
  creatorUserID: string;
  groupType: number;
  needVerification: number;
  lookMemberInfo: number;
  applyMemberFriend: number;
  notificationUpdateTime: number;
  notificationUserID: string;
}

export interface FakeMember {
  groupID: string;
  userID: string;
  /** 100 owner, 60 admin, 20 member. */
  roleLevel: number;
  joinTime: number;
  nickname: string;
  faceURL: string;
  appMangerLevel: number;
  joinSource: number;
  operatorUserID: string;
  ex: string;
  /** ms; 0 = not muted. */
  muteEndTime: number;
  inviterUserID: string;
}

export interface FakeConversation {
  ownerUserID: string;
  conversationID: string;
  /** 1 single, 3 group. */
  conversationType: number;
  userID: string;
  groupID: string;
  recvMsgOpt: number;
  isPinned: boolean;
  attachedInfo: string;
  isPrivateChat: boolean;
  groupAtType: number;
  ex: string;
  burnDuration: number;
  minSeq: number;
  maxSeq: number;
  msgDestructTime: number;
  latestMsgDestructTime: number;
  isMsgDestruct: boolean;
}

export interface FakeMessage {
  seq: number;
  serverMsgID: string;
  clientMsgID: string;
  sessionType: number;
  sendID: string;
  recvID: string;
  groupID: string;
  /** `senderNickname` / `senderFaceURL` as the REST send gave them (no lookup, audit O-8). */
  senderName: string;
  senderFaceURL: string;
  senderPlatformID: number;
  /** 200 (SysMsgType) for every REST send (v3.8.3 internal/api/msg.go:95); 100 from clients. */
  msgFrom: number;
  contentType: number;
  /** The content object as the sender gave it, stored as JSON text like the server does. */
  content: string;
  /** ms */
  sendTime: number;
}

export interface FakeOptions {
  /** `share.yml secret`; default `openIM123`. */
  secret?: string;
  /** `share.yml imAdminUserID`; default `['imAdmin']`. Admin users exist from the start. */
  adminUserIds?: string[];
  /** Release whose routes and quirks to simulate: `3.7`, `3.8.0`, `3.8.1`, `3.8.2`, `3.8.3` (default), `3.8.3-patch.16`. */
  version?: string;
  /** `openim-rpc-msg.yml friendVerify`; default false. */
  friendVerify?: boolean;
  /**
   * The server's MongoDB is a replica set, so OpenIM runs multi-write changes in a transaction
   * (tools `db/mongoutil/tx.go`: none on a standalone mongod, which OpenIM's docker-compose
   * deploys). Matters where a 3.7 write fails halfway: import_friend then leaves nothing behind.
   * Default false.
   */
  transactions?: boolean;
  /** `tokenPolicy.expire` in seconds; default 90 days. */
  tokenExpireSeconds?: number;
  /** The server clock in ms (mute expiry, token expiry); default Date.now. */
  now?: () => number;
}

export type ResolvedFakeOptions = Required<FakeOptions>;

export function resolveOptions(options: FakeOptions = {}): ResolvedFakeOptions {
  // Refused here, not on the first request: a typo would otherwise simulate the wrong release.
  if (options.version !== undefined) parseOpenImVersion(options.version);
  return {
    secret: options.secret ?? 'openIM123',
    adminUserIds: options.adminUserIds ?? ['imAdmin'],
    version: options.version ?? '3.8.3',
    friendVerify: options.friendVerify ?? false,
    transactions: options.transactions ?? false,
    tokenExpireSeconds: options.tokenExpireSeconds ?? 7_776_000,
    now: options.now ?? Date.now,
  };
}

/** A user token as Redis keeps it (admin tokens are stateless and never stored). */
export interface StoredToken {
  userID: string;
  platformID: number;
  /** 0 normal, 1 kicked (a newer login on the same platform). */
  state: 0 | 1;
}

export class OpenImFakeState {
  users = new Map<string, FakeUser>();
  /** owner → friend → row. */
  friends = new Map<string, Map<string, FakeFriend>>();
  /** `${from}\n${to}` → application. */
  friendRequests = new Map<string, FakeFriendRequest>();
  /** owner → blocked → row. */
  blacks = new Map<string, Map<string, FakeBlack>>();
  groups = new Map<string, FakeGroup>();
  /** group → user → member row. */
  members = new Map<string, Map<string, FakeMember>>();
  /** owner → conversationID → row. */
  conversations = new Map<string, Map<string, FakeConversation>>();
  /** conversationID → messages in seq order (seq = index + 1). */
  messages = new Map<string, FakeMessage[]>();
  /** owner → conversationID → last read seq. */
  hasReadSeqs = new Map<string, Map<string, number>>();
  /** owner → conversationID → per-user minSeq (clear_conversation_msg). */
  userMinSeqs = new Map<string, Map<string, number>>();
  /** user token → its Redis entry. */
  userTokens = new Map<string, StoredToken>();

  constructor(readonly options: ResolvedFakeOptions) {
    this.reset();
  }

  /** Back to a fresh server: only the admin users, auto-created at start-up (note §5). */
  reset(): void {
    for (const container of [
      this.users,
      this.friends,
      this.friendRequests,
      this.blacks,
      this.groups,
      this.members,
      this.conversations,
      this.messages,
      this.hasReadSeqs,
      this.userMinSeqs,
      this.userTokens,
    ]) {
      container.clear();
    }
    // The server creates its admins as notification accounts, level 3 (constant.AppNotificationAdmin;
    // v3.8.3 internal/rpc/user/user.go Start), which `/user/get_users` leaves out (note §14).
    for (const userID of this.options.adminUserIds) {
      this.users.set(userID, { userID, nickname: userID, faceURL: '', ex: '', createTime: this.options.now(), appMangerLevel: 3, globalRecvMsgOpt: 0 });
    }
  }

  isAdmin(userID: string): boolean {
    return this.options.adminUserIds.includes(userID);
  }

  friendRow(owner: string, friend: string): FakeFriend | undefined {
    return this.friends.get(owner)?.get(friend);
  }

  blackRow(owner: string, blocked: string): FakeBlack | undefined {
    return this.blacks.get(owner)?.get(blocked);
  }

  request(from: string, to: string): FakeFriendRequest | undefined {
    return this.friendRequests.get(`${from}\n${to}`);
  }

  membersOf(groupID: string): Map<string, FakeMember> {
    let members = this.members.get(groupID);
    if (!members) {
      members = new Map();
      this.members.set(groupID, members);
    }
    return members;
  }

  /** A plain-JSON view for `/__fake/state`. */
  snapshot(): Record<string, unknown> {
    const nested = <T>(map: Map<string, Map<string, T>>) => Object.fromEntries([...map].map(([key, inner]) => [key, Object.fromEntries(inner)]));
    return {
      version: this.options.version,
      users: Object.fromEntries(this.users),
      friends: nested(this.friends),
      friendRequests: [...this.friendRequests.values()],
      blacks: nested(this.blacks),
      groups: Object.fromEntries(this.groups),
      members: nested(this.members),
      conversations: nested(this.conversations),
      messages: Object.fromEntries(this.messages),
      hasReadSeqs: nested(this.hasReadSeqs),
    };
  }
}
