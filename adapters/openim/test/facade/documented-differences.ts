/**
 * Every answer of the scenario where `/compat/openim` differs from the OpenIM fake, with the
 * reason; each is listed in adapters/openim/facade/README.md ("Differences"). The differential test
 * asserts the facade's documented value at each path, then compares everything else exactly.
 */
export type FacadeTarget = 'native' | 'wildfire';

export interface Difference {
  /** Scenario step name. */
  step: string;
  targets: FacadeTarget[];
  /** Dot paths into the answer body (`*` = every array item), or `whole` for the entire answer. */
  paths: string[] | 'whole';
  /** What the facade answers at each path (or for the whole answer). */
  facade: (value: unknown) => boolean;
  reason: string;
}

const zero = (value: unknown) => value === 0;
const both: FacadeTarget[] = ['native', 'wildfire'];
const envelope = (errCode: number, detail: RegExp) => (value: unknown) => {
  const body = value as { errCode?: unknown; errDlt?: unknown; data?: unknown };
  return body.errCode === errCode && typeof body.errDlt === 'string' && detail.test(body.errDlt) && !('data' in body);
};

const USER_TIME = 'unified users carry no registration time: UserInfo.createTime is 0';
const WF_NO_REQUESTS = 'Wildfire has no friend request list/accept/reject (capability false): 500 ServerInternalError';
const WF_NO_CONVERSATIONS = 'Wildfire keeps no server-side conversation list (capability false): 500 ServerInternalError';

export const DIFFERENCES: Difference[] = [
  { step: 'users info, one unknown', targets: both, paths: ['data.usersInfo.*.createTime'], facade: zero, reason: USER_TIME },
  { step: 'friend list of a', targets: both, paths: ['data.friendsInfo.*.friendUser.createTime'], facade: zero, reason: USER_TIME },
  { step: 'designated friends', targets: both, paths: ['data.friendsInfo.*.friendUser.createTime'], facade: zero, reason: USER_TIME },
  { step: 'friend list of d', targets: ['native'], paths: ['data.friendsInfo.*.friendUser.createTime'], facade: zero, reason: USER_TIME },
  { step: 'received applications of d', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /friendRequests\.list/), reason: WF_NO_REQUESTS },
  { step: 'sent applications of c', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /friendRequests\.list/), reason: WF_NO_REQUESTS },
  { step: 'accept c→d', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /friendRequests\.list/), reason: WF_NO_REQUESTS },
  { step: 'refuse the handled application', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /friendRequests\.list/), reason: WF_NO_REQUESTS },
  { step: 'answer a missing application', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /friendRequests\.list/), reason: WF_NO_REQUESTS },
  {
    step: 'apply to a mutual friend',
    targets: ['wildfire'],
    paths: 'whole',
    facade: (value) => (value as { errCode?: unknown }).errCode === 0,
    reason: 'on Wildfire c→d was never accepted (above), so d and c are not friends and the application goes through',
  },
  {
    step: 'friend list of d',
    targets: ['wildfire'],
    paths: 'whole',
    facade: (value) => JSON.stringify((value as { data?: unknown }).data) === JSON.stringify({ friendsInfo: null, total: 0 }),
    reason: 'on Wildfire c→d was never accepted, so d has no friends',
  },
  { step: 'create group', targets: both, paths: ['data.groupInfo.createTime'], facade: zero, reason: 'unified rooms carry no creation time: GroupInfo.createTime is 0' },
  {
    step: 'mute b for 600 s',
    targets: ['wildfire'],
    paths: 'whole',
    facade: envelope(1001, /duration/),
    reason: 'Wildfire pro mutes only until unmuted (groups.mutes.set without duration): 1001 ArgsError; mutedSeconds 4294967295 works',
  },
  { step: 'members info', targets: both, paths: ['data.members.*.joinTime'], facade: zero, reason: 'unified members carry no join time: joinTime is 0' },
  { step: 'members info', targets: ['wildfire'], paths: ['data.members.1.muteEndTime'], facade: zero, reason: 'b was not muted on Wildfire (600 s refused above)' },
  {
    step: 'muted b sends',
    targets: ['wildfire'],
    paths: 'whole',
    facade: (value) => (value as { errCode?: unknown }).errCode === 0,
    reason: 'b was not muted on Wildfire (600 s refused above), so the message goes through',
  },
  { step: 'member list', targets: both, paths: ['data.members.*.joinTime'], facade: zero, reason: 'unified members carry no join time: joinTime is 0' },
  { step: 'groups info', targets: both, paths: ['data.groupInfos.*.createTime'], facade: zero, reason: 'unified rooms carry no creation time: GroupInfo.createTime is 0' },
  {
    step: 'sorted conversations of a',
    targets: ['native'],
    paths: ['data.conversationElems.*.msgInfo.serverMsgID', 'data.conversationElems.*.msgInfo.clientMsgID', 'data.conversationElems.*.msgInfo.sendID', 'data.conversationElems.*.msgInfo.recvID', 'data.conversationElems.*.msgInfo.senderName', 'data.conversationElems.*.msgInfo.content'],
    facade: (value) => value === '',
    reason: 'unified conversations do not carry their last message: msgInfo has only its time, session and group',
  },
  { step: 'sorted conversations of a', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /conversations\.list/), reason: WF_NO_CONVERSATIONS },
  { step: 'all conversations of d', targets: ['native'], paths: ['data.conversations.*.maxSeq'], facade: zero, reason: 'unified conversations carry no message sequence: maxSeq is 0' },
  { step: 'all conversations of d', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /conversations\.list/), reason: WF_NO_CONVERSATIONS },
  { step: 'conversation si_ of b', targets: ['native'], paths: ['data.conversations.*.maxSeq'], facade: zero, reason: 'unified conversations carry no message sequence: maxSeq is 0' },
  { step: 'conversation si_ of b', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /conversations\.list/), reason: WF_NO_CONVERSATIONS },
  { step: 'owner conversations of c (none)', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /conversations\.list/), reason: WF_NO_CONVERSATIONS },
  { step: 'sorted conversations of c (none)', targets: ['wildfire'], paths: 'whole', facade: envelope(500, /conversations\.list/), reason: WF_NO_CONVERSATIONS },
  {
    step: 'groups info after dismiss',
    targets: both,
    paths: 'whole',
    facade: (value) => JSON.stringify((value as { data?: unknown }).data) === JSON.stringify({ groupInfos: null }),
    reason: 'a dismissed group is gone from a unified backend; OpenIM keeps it with status 2',
  },
  {
    step: 'send to the dismissed group',
    targets: both,
    paths: 'whole',
    facade: envelope(1004, /./),
    reason: 'a dismissed group is gone from a unified backend: 1004 RecordNotFound instead of 1204 DismissedAlready',
  },
];
