/**
 * `/admin/user/*` (vendor note §7) on the unified users facet. Wildfire's `displayName` is the
 * unified `name` and `extra` is `extra`; the account `name`, portrait, gender, mobile, email,
 * address, company, social and type have no unified field (README "Differences").
 */
import { ImBridgeError, type Backend, type User, type UserInput } from '../../../src/spec/index.js';
import { listAll } from '../../../src/facade-kit/index.js';
import { fail, int, nonEmpty, obj, ok, str, type Json } from '../protocol/wire.js';
import { route, type FacadeRoute } from './facade-route.js';
import { generatedId } from './generated-id.js';

/** `/admin/user/update` flag bits the unified user can hold: 0x01 displayName, 0x100 extra. */
const MAPPED_FLAGS = 0x01 | 0x100;

async function findUser(backend: Backend, uid: string): Promise<User | null> {
  try {
    return await backend.users.get(uid);
  } catch (error) {
    if (ImBridgeError.is(error) && error.code === 'USER_NOT_FOUND') return null;
    throw error;
  }
}

function userResult(user: User, at: number): Json {
  // Field order of InputOutputUserInfo; the account name is the user id (the only one kept).
  return {
    userId: user.uid,
    name: user.uid,
    displayName: user.name ?? '',
    portrait: '',
    gender: 0,
    mobile: '',
    email: '',
    address: '',
    company: '',
    social: '',
    extra: user.extra ?? '',
    type: 0,
    updateDt: at,
  };
}

export function userRoutes(): FacadeRoute[] {
  return [
    route('/admin/user/create', async (body, backend) => {
      const name = str(body, 'name');
      if (!nonEmpty(name)) return fail(251);
      if (![0, 3, 100].includes(int(body, 'type'))) return fail(251);
      const userId = nonEmpty(str(body, 'userId')) ? str(body, 'userId')! : generatedId();
      const sentName = str(body, 'displayName');
      // displayName "" becomes the account name; omitted it stays empty (§7).
      const displayName = sentName === undefined ? '' : sentName === '' ? name : sentName;
      const stored = await findUser(backend, userId);
      // A repeat create is a full overwrite: what is not sent becomes empty.
      const input: UserInput = {};
      if (displayName !== '' || (stored?.name ?? null) !== null) input.name = displayName;
      const extra = str(body, 'extra') ?? '';
      if (extra !== '' || (stored?.extra ?? null) !== null) input.extra = extra;
      await backend.users.put(userId, input);
      return ok({ userId, name });
    }),

    route('/admin/user/get_info', async (body, backend) => {
      const userId = str(body, 'userId');
      if (nonEmpty(userId)) {
        const user = await findUser(backend, userId);
        return user ? ok(userResult(user, Date.now())) : fail(253);
      }
      // Lookups by account name or mobile: the unified user has neither.
      if (nonEmpty(str(body, 'name')) || nonEmpty(str(body, 'mobile'))) return fail(254);
      return fail(251);
    }),

    // §12 `/admin/user/all {count, offset}` over users.list (all pages): the backend's users in
    // its order, not Wildfire's creation order (README "Differences").
    route('/admin/user/all', async (body, backend) => {
      const count = int(body, 'count');
      const offset = int(body, 'offset');
      if (!(count > 0 && offset >= 0)) return fail(251);
      const users = await listAll((options) => backend.users.list(options));
      const at = Date.now();
      return ok({ userInfoList: users.slice(offset, offset + count).map((user) => userResult(user, at)) });
    }),

    route('/admin/user/update', async (body, backend) => {
      const info = obj(body, 'userInfo');
      if (!info) return fail(251);
      const userId = str(info, 'userId') ?? '';
      if (!(await findUser(backend, userId))) return fail(253);
      const flag = int(body, 'flag');
      // A field the backend cannot hold is refused rather than silently dropped.
      if ((flag & ~MAPPED_FLAGS) !== 0) return fail(254);
      const input: UserInput = {};
      if (flag & 0x01) input.name = str(info, 'displayName') ?? '';
      if (flag & 0x100) input.extra = str(info, 'extra') ?? '';
      if (input.name !== undefined || input.extra !== undefined) await backend.users.put(userId, input);
      return ok();
    }),
  ];
}
