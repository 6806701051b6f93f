/** `/friend/*_black*` (vendor note §8) on the blocks facet: one-way, independent of friendship. */
import type { Backend, Block } from '../../../src/spec/index.js';
import { WireError, argsError, nilIfEmpty, notFound, pageOf, pagination, text, texts } from '../protocol/wire.js';
import { translate } from './errors.js';
import type { RouteHandler, RouteTable } from './route-context.js';
import { blackInfo, findUser, seconds } from './wire-shapes.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** `uid`'s blocks, oldest first (OpenIM's insertion order); none for an unknown user. */
async function blocksOf(backend: Backend, uid: string): Promise<Block[]> {
  const blocks = await translate(() => listAll((options) => backend.blocks.list(uid, options)), { USER_NOT_FOUND: null, INVALID_ID: null }, []);
  return [...blocks].sort((first, second) => seconds(first.since) - seconds(second.since) || (first.blocked < second.blocked ? -1 : 1));
}

const addBlack: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const blocked = text(body, 'blackUserID');
  if (!(await translate(() => findUser(backend, owner)))) throw notFound(`user not found: ${owner}`);
  // Blacking yourself ends in the same existence check (note §8).
  if (blocked === owner || !(await translate(() => findUser(backend, blocked)))) throw notFound(`user not found: ${blocked}`);
  if ((await blocksOf(backend, owner)).some((block) => block.blocked === blocked)) {
    // OpenIM's unique index refuses a second row and the raw Mongo error becomes a 500 (note §8).
    throw new WireError(
      500,
      `write exception: write errors: [E11000 duplicate key error collection: openim_v3.black index: owner_user_id_1_block_user_id_1 dup key: { owner_user_id: "${owner}", block_user_id: "${blocked}" }]`,
    );
  }
  await translate(() => backend.blocks.put(owner, blocked));
  return undefined;
};

const removeBlack: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const blocked = text(body, 'blackUserID');
  // Removing an entry that does not exist succeeds (note §8), whoever the users are.
  await translate(() => backend.blocks.remove(owner, blocked), { USER_NOT_FOUND: null, INVALID_ID: null, INVALID_ARGUMENT: null });
  return undefined;
};

const getBlackList: RouteHandler = async ({ backend, body, operator }) => {
  const userID = text(body, 'userID');
  const page = pagination(body);
  const blocks = await blocksOf(backend, userID);
  const infos = [];
  for (const block of pageOf(blocks, page)) infos.push(blackInfo(block, await translate(() => findUser(backend, block.blocked)), operator, 'seconds'));
  return { blacks: nilIfEmpty(infos), total: blocks.length };
};

const getSpecifiedBlacks: RouteHandler = async ({ backend, body, operator }) => {
  const owner = text(body, 'ownerUserID');
  const ids = texts(body, 'userIDList');
  if (ids.length === 0) throw argsError('userIDList is empty');
  const blocks = await blocksOf(backend, owner);
  const infos = [];
  for (const id of ids) {
    const block = blocks.find((candidate) => candidate.blocked === id);
    if (block) infos.push(blackInfo(block, await translate(() => findUser(backend, id)), operator, 'milliseconds'));
  }
  return { blacks: nilIfEmpty(infos), total: infos.length };
};

export const BLACK_ROUTES: RouteTable = [
  ['/friend/add_black', addBlack],
  ['/friend/remove_black', removeBlack],
  ['/friend/get_black_list', getBlackList],
  ['/friend/get_specified_blacks', getSpecifiedBlacks],
];
