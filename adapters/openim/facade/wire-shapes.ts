/**
 * OpenIM answer objects (vendor note §6–§10) built from unified values. Fields the unified API
 * has no word for get OpenIM's zero value; the README lists each one.
 */
import { ImBridgeError, type Backend, type Block, type Conversation, type FriendRequest, type Friendship, type Member, type Room, type User } from '../../../src/spec/index.js';
import { groupConversationId, newConversationRow, singleConversationId, type Body } from '../protocol/wire.js';

export const ROLE_LEVEL = { owner: 100, admin: 60, member: 20 } as const;
const HANDLE_RESULT = { pending: 0, accepted: 1, rejected: -1 } as const;
/** OpenIM's default `msgDestructTime` of a new conversation row (7 days). */
/** The uint32 maximum the OpenIM adapter sends for "muted until unmuted". */
export const MUTE_FOREVER_SECONDS = 4_294_967_295;

export const milliseconds = (iso: string): number => Date.parse(iso);
export const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);


/** The user, or undefined when the backend does not know it. */
export async function findUser(backend: Backend, uid: string): Promise<User | undefined> {
  try {
    return await backend.users.get(uid);
  } catch (error) {
    if (ImBridgeError.is(error) && (error.code === 'USER_NOT_FOUND' || error.code === 'INVALID_ID')) return undefined;
    throw error;
  }
}

/** OpenIM requires a nickname; a user registered elsewhere without a name shows its uid (as the OpenIM adapter stores it). */
export const nicknameOf = (user: User | undefined, uid: string): string => user?.name ?? uid;

/** UserInfo; `createTime` is 0: unified users carry no registration time. */
export function userInfo(user: User | undefined, uid: string): Body {
  return { userID: uid, nickname: nicknameOf(user, uid), faceURL: '', ex: user?.extra ?? '', createTime: 0, appMangerLevel: 0, globalRecvMsgOpt: 0 };
}

/** FriendInfo; `createTime` in seconds (note §7). */
export function friendInfo(friendship: Friendship, friend: User | undefined, addSource: number, operator: string): Body {
  return {
    ownerUserID: friendship.uid,
    remark: friendship.alias ?? '',
    createTime: seconds(friendship.since),
    friendUser: userInfo(friend, friendship.friend),
    addSource,
    operatorUserID: operator,
    ex: friendship.extra ?? '',
    isPinned: false,
  };
}

/** FriendRequest; the unified request keeps no handling time or message, so those are zero. */
export function requestInfo(request: FriendRequest, from: User | undefined, to: User | undefined, operator: string): Body {
  return {
    fromUserID: request.from,
    fromNickname: nicknameOf(from, request.from),
    fromFaceURL: '',
    toUserID: request.to,
    toNickname: nicknameOf(to, request.to),
    toFaceURL: '',
    handleResult: HANDLE_RESULT[request.status],
    reqMsg: request.message ?? '',
    createTime: milliseconds(request.createdAt),
    handlerUserID: request.status === 'pending' ? '' : operator,
    handleMsg: '',
    handleTime: 0,
    ex: '',
  };
}

/** BlackInfo; `createTime` is seconds in get_black_list and ms in get_specified_blacks (note §8). */
export function blackInfo(block: Block, blocked: User | undefined, operator: string, unit: 'seconds' | 'milliseconds'): Body {
  return {
    ownerUserID: block.uid,
    createTime: unit === 'seconds' ? seconds(block.since) : milliseconds(block.since),
    blackUserInfo: { userID: block.blocked, nickname: nicknameOf(blocked, block.blocked), faceURL: '', ex: blocked?.extra ?? '' },
    addSource: 0,
    operatorUserID: operator,
    ex: '',
  };
}

/** GroupInfo; status 3 = muted (mute-all), 0 = ok (note §9). */
export function groupInfo(room: Room, operator: string, memberCount = room.memberCount): Body {
  return {
    groupID: room.id,
    groupName: room.name,
    notification: '',
    introduction: '',
    faceURL: '',
    ownerUserID: room.owner,
    createTime: 0,
    ex: '',
    status: room.muteAll ? 3 : 0,
    creatorUserID: operator,
    groupType: 2,
    needVerification: 0,
    lookMemberInfo: 0,
    applyMemberFriend: 0,
    notificationUpdateTime: 0,
    notificationUserID: '',
    memberCount,
  };
}

/** The end of a mute in ms; "forever" is the uint32-maximum mute OpenIM would store, counted from now. */
export function muteEndTime(member: Member, now: number): number {
  if (member.mutedUntil === null) return 0;
  if (member.mutedUntil === 'forever') return now + MUTE_FOREVER_SECONDS * 1000;
  return milliseconds(member.mutedUntil);
}

/** GroupMemberFullInfo; `joinTime` is 0: unified members carry no join time. */
export function memberInfo(groupID: string, member: Member, user: User | undefined, operator: string, now: number): Body {
  return {
    groupID,
    userID: member.uid,
    roleLevel: ROLE_LEVEL[member.role],
    joinTime: 0,
    nickname: nicknameOf(user, member.uid),
    faceURL: '',
    appMangerLevel: 0,
    joinSource: 2,
    operatorUserID: operator,
    ex: '',
    muteEndTime: muteEndTime(member, now),
    inviterUserID: operator,
  };
}

/** `si_`/`sg_` id of `owner`'s conversation with a bare peer (note §10). */
export function conversationIdOf(owner: string, conversation: Conversation): string {
  return conversation.peer.type === 'user' ? singleConversationId(owner, conversation.peer.id) : groupConversationId(conversation.peer.id);
}

/** Conversation row; `maxSeq` is 0: unified conversations carry no message sequence. */
export function conversationRow(owner: string, conversation: Conversation): Body {
  const single = conversation.peer.type === 'user';
  return newConversationRow(owner, conversationIdOf(owner, conversation), single ? 1 : 3, single ? conversation.peer.id : '', single ? '' : conversation.peer.id);
}
