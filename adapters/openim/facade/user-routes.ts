/** `/user/*` (vendor note §6) on the backend's users facet. */
import { listAll } from '../../../src/facade-kit/index.js';
import { WireError, argsError, mongoRegex, notFound, object, objects, optionalText, pageOf, pagination, requireDistinct, text, texts, nilIfEmpty } from '../protocol/wire.js';
import { translate } from './errors.js';
import type { RouteHandler, RouteTable } from './route-context.js';
import { findUser, userInfo } from './wire-shapes.js';

/** OpenIM's user id rule: letters, digits, `_` (Unicode letters allowed), no `:` (note §6). */
const USER_ID = /^[\p{L}\p{N}_]+$/u;

const userRegister: RouteHandler = async ({ backend, body }) => {
  const users = objects(body, 'users');
  if (users.length === 0) throw argsError('users is empty');
  const parsed = users.map((user) => ({ userID: text(user, 'userID'), nickname: text(user, 'nickname'), ex: text(user, 'ex') }));
  for (const user of parsed) {
    if (user.userID === '' || !USER_ID.test(user.userID)) throw argsError('userID is invalid');
    if (user.nickname === '') throw argsError('user name is empty');
  }
  requireDistinct(parsed.map((user) => user.userID), 'userIDs');
  // Any registered id refuses the whole batch before anything is created (note §6).
  for (const user of parsed) {
    if (await translate(() => findUser(backend, user.userID))) throw new WireError(1102, `userID registered already: ${user.userID}`);
  }
  for (const user of parsed) {
    await translate(() => backend.users.put(user.userID, { name: user.nickname, ...(user.ex === '' ? {} : { extra: user.ex }) }));
  }
  return undefined;
};

const getUsersInfo: RouteHandler = async ({ backend, body }) => {
  const userIDs = texts(body, 'userIDs');
  if (userIDs.length === 0) throw argsError('userIDs is empty');
  const found = [];
  // Unknown ids are silently omitted (note §6).
  for (const userID of userIDs) {
    const user = await translate(() => findUser(backend, userID));
    if (user) found.push(userInfo(user, userID));
  }
  return { usersInfo: nilIfEmpty(found) };
};

/**
 * `/user/get_users` (note §14) over users.list: every user of the backend (it has no admin
 * accounts to leave out), in its order; `userID` / `nickName` keep the matches of a
 * case-insensitive regex, `total` counts them all.
 */
const getUsers: RouteHandler = async ({ backend, body }) => {
  const page = pagination(body);
  const userID = text(body, 'userID');
  const nickName = text(body, 'nickName');
  const byId = userID === '' ? null : mongoRegex(userID, 'i');
  const byName = nickName === '' ? null : mongoRegex(nickName, 'i');
  const users = await translate(() => listAll((options) => backend.users.list(options)));
  const matching = users.filter((user) => (byId === null && byName === null ? true : (byId?.test(user.uid) ?? false) || (byName?.test(user.name ?? user.uid) ?? false)));
  return { total: matching.length, users: nilIfEmpty(pageOf(matching, page).map((user) => userInfo(user, user.uid))) };
};

const updateUserInfoEx: RouteHandler = async ({ backend, body }) => {
  const info = object(body, 'userInfo');
  if (!info) throw argsError('userInfo is empty');
  const userID = text(info, 'userID');
  if (userID === '') throw argsError('userID is empty');
  const nickname = optionalText(info, 'nickname');
  const ex = optionalText(info, 'ex');
  if (!(await translate(() => findUser(backend, userID)))) throw notFound(`user not found: ${userID}`);
  await translate(() => backend.users.put(userID, { ...(nickname === undefined ? {} : { name: nickname }), ...(ex === undefined ? {} : { extra: ex }) }));
  return undefined;
};

const accountCheck: RouteHandler = async ({ backend, body }) => {
  const ids = texts(body, 'checkUserIDs');
  if (ids.length === 0) throw argsError('checkUserIDs is empty');
  const results = [];
  for (const userID of ids) results.push({ userID, accountStatus: (await translate(() => findUser(backend, userID))) ? 1 : 0 });
  return { results };
};

export const USER_ROUTES: RouteTable = [
  ['/user/user_register', userRegister],
  ['/user/get_users_info', getUsersInfo],
  ['/user/get_users', getUsers],
  ['/user/update_user_info_ex', updateUserInfoEx],
  ['/user/account_check', accountCheck],
];
