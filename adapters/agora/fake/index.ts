/**
 * A contract-faithful fake of Agora Chat's app-token REST API (vendor note §1–§16): both path
 * prefixes (`/{org}/{app}` and `/app-id/{appId}`), AccessToken2 Bearer auth refused exactly as
 * the vendor refuses it, the usergrid envelope and error body, the 60-per-call caps, the chat
 * room 400 / group 403 split for non-members, object-vs-array answers of single vs batch calls,
 * DELETE-with-body `user_channel`. FakeControl adds the request log, the fault hook and `/__fake/*`.
 *
 * Choices on the note's open questions (README): re-adding a friend, re-blocking, re-allow-listing
 * and re-muting answer 200 (idempotent); a single-user allow-list DELETE answers an array; a
 * permanent mute lists `expire: -1`; register requires a password; REST-sent messages are not
 * policy-checked (the adapter checks) but do create conversations.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { iterableSlice } from '../../../src/runtime/index.js';
import { CallbackEmitter, FakeControl, listen } from '../../../src/testing/index.js';
import { agoraCallbacks } from './callbacks.js';
import { AgoraFakeState, type FakeRoom, type FakeRoomResource, type FakeUser } from './fake-state.js';
import {
  BLOCK_ADD_CAP,
  ROOM_CAP,
  TEXTS,
  appNotFound,
  checkRegistration,
  checkAuthorization,
  decodeCursor,
  encodeCursor,
  errorBody,
  listLimit,
  newAdminOf,
  notMemberStatus,
  parseBody,
  resolveAppPath,
  successEnvelope,
  userEntity,
} from '../protocol/wire.js';

export interface AgoraFakeOptions {
  /** Where the fake sends its post-delivery callbacks (none when absent; settable later on `callbacks.url`). */
  callbackUrl?: string;
  /** The console's callback secret the fake signs with (default `imbridge-callback-secret`). */
  callbackSecret?: string;
  orgName?: string;
  appName?: string;
  /** 32 hex characters (agora-token builds nothing for anything else). */
  appId?: string;
  appCertificate?: string;
  /** Clock in ms; tests move it to expire tokens and mutes. */
  now?: () => number;
  /** Per-user contact cap (§6: plan dependent; free plan 100). */
  contactLimit?: number;
  /**
   * How a missing group or chat room is answered. The 声网 pages give 404 `resource_not_found`
   * "grpID X does not exist!" (chat room details: `service_resource_not_found` "do not find this
   * group:X"), the default; Agora's status-code page gives 404 `service_resource_not_found`
   * "Service resource not found." for a missing user, group or chat room alike (audit N11).
   */
  missingRoom?: 'per-call' | 'service-resource';
}

export interface AgoraFakeCredentials {
  orgName: string;
  appName: string;
  appId: string;
  appCertificate: string;
}

export interface AgoraFake {
  app: express.Express;
  /** The post-delivery callbacks this fake sends; set `callbacks.url` to turn them on. */
  callbacks: CallbackEmitter;
  callbackSecret: string;
  state: AgoraFakeState;
  control: FakeControl;
  credentials: AgoraFakeCredentials;
  now: () => number;
  /** The `backends:` block reaching this fake at `baseUrl`. */
  backendConfigFor(baseUrl: string): Record<string, unknown>;
  close(): Promise<void>;
}

export interface RunningAgoraFake extends AgoraFake {
  url: string;
  port: number;
  backendConfig: Record<string, unknown>;
}

export const DEFAULT_FAKE_CREDENTIALS: AgoraFakeCredentials = {
  orgName: 'imbridge-org',
  appName: 'imbridge-app',
  appId: '0123456789abcdef0123456789abcdef',
  appCertificate: 'fedcba9876543210fedcba9876543210',
};

interface Locals {
  json: unknown;
  prefix: string;
}

function locals(response: Response): Locals {
  return response.locals as Locals;
}

function fail(response: Response, status: number, error: string, description: string): void {
  response.status(status).json(errorBody(error, description));
}

function param(request: Request, name: string): string {
  const value = request.params[name];
  return typeof value === 'string' ? value : '';
}

function bodyRecord(response: Response): Record<string, unknown> {
  const json = locals(response).json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

function usernamesOf(response: Response): string[] | null {
  const list = bodyRecord(response).usernames;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) return null;
  return list as string[];
}

export function createFake(options: AgoraFakeOptions = {}): AgoraFake {
  const credentials: AgoraFakeCredentials = {
    orgName: options.orgName ?? DEFAULT_FAKE_CREDENTIALS.orgName,
    appName: options.appName ?? DEFAULT_FAKE_CREDENTIALS.appName,
    appId: options.appId ?? DEFAULT_FAKE_CREDENTIALS.appId,
    appCertificate: options.appCertificate ?? DEFAULT_FAKE_CREDENTIALS.appCertificate,
  };
  const now = options.now ?? Date.now;
  const contactLimit = options.contactLimit ?? 3000;
  const missingRoom = options.missingRoom ?? 'per-call';
  /** §16 / audit N11: the 404 for a group or chat room that does not exist. */
  function roomNotFound(response: Response, id: string, chatroomDetails = false): void {
    if (missingRoom === 'service-resource') return fail(response, 404, 'service_resource_not_found', TEXTS.serviceResourceNotFoundDot);
    if (chatroomDetails) return fail(response, 404, 'service_resource_not_found', TEXTS.chatroomMissing(id));
    fail(response, 404, 'resource_not_found', TEXTS.roomMissing(id));
  }
  const state = new AgoraFakeState();
  const control = new FakeControl();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(control.rawBody());
  app.use(control.router(() => state.snapshot(), () => state.reset()));
  app.use(control.middleware());

  // Prefix, auth, content type and JSON body — in the vendor's order: app, token, body.
  app.use((request, response, next) => {
    const resolved = resolveAppPath(request.path, credentials);
    if (resolved === null) {
      const refusal = appNotFound(request.path);
      fail(response, refusal.status, refusal.error, refusal.description);
      return;
    }
    const verdict = checkAuthorization(request.headers.authorization, credentials.appId, credentials.appCertificate, Math.floor(now() / 1000));
    if (!verdict.ok) {
      fail(response, verdict.status, verdict.error, verdict.description);
      return;
    }
    const body = parseBody(typeof request.body === 'string' ? request.body : '', request.headers['content-type']);
    if (!body.ok) {
      fail(response, body.refusal.status, body.refusal.error, body.refusal.description);
      return;
    }
    response.locals.json = body.json;
    response.locals.prefix = resolved.prefix;
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    request.url = resolved.rest + query;
    next();
  });
  const callbackSecret = options.callbackSecret ?? 'imbridge-callback-secret';
  const callbacks = new CallbackEmitter(options.callbackUrl);
  app.use(callbacks.tap(agoraCallbacks({ appKey: `${credentials.orgName}#${credentials.appName}`, secret: callbackSecret, now })));

  /** Usergrid success envelope (§2). */
  function ok(request: Request, response: Response, fields: { action?: string; entities?: unknown[]; data?: unknown; count?: number; cursor?: string; extra?: Record<string, unknown> }): void {
    const prefix = locals(response).prefix;
    const body = successEnvelope({
      ...fields,
      action: fields.action ?? request.method.toLowerCase(),
      application: state.applicationUuid,
      path: request.path,
      uri: `http://${request.headers.host ?? 'localhost'}${prefix}${request.path}`,
      timestamp: now(),
      organization: credentials.orgName,
      applicationName: credentials.appName,
    });
    response.status(200).json(body);
  }

  function entity(user: FakeUser): Record<string, unknown> {
    return userEntity(user);
  }

  function userOr404(response: Response, username: string): FakeUser | undefined {
    const user = state.users.get(username);
    if (!user) fail(response, 404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
    return user;
  }

  // ─────────── users (§5) ───────────

  function register(input: unknown): FakeUser | { error: string; description: string; status: number } {
    const checked = checkRegistration(input);
    if ('error' in checked) return checked;
    const { username, password } = checked;
    if (state.users.has(username)) {
      return {
        status: 400,
        error: 'duplicate_unique_property_exists',
        description: TEXTS.duplicateUser(state.applicationUuid, username),
      };
    }
    const at = now();
    const user: FakeUser = { uuid: randomUUID(), username, password, created: at, modified: at, activated: true };
    if (checked.nickname !== undefined) user.nickname = checked.nickname;
    return user;
  }

  app.post('/users', (request, response) => {
    const json = locals(response).json;
    if (Array.isArray(json)) {
      if (json.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.registerCap);
      const created: FakeUser[] = [];
      const failures: Array<{ username: unknown; registerUserFailReason: string }> = [];
      for (const item of json) {
        const outcome = register(item);
        if ('error' in outcome) {
          const username = (item as Record<string, unknown> | null)?.username;
          failures.push({ username, registerUserFailReason: outcome.error === 'duplicate_unique_property_exists' ? TEXTS.batchDuplicate(String(username)) : outcome.description });
        } else {
          state.users.set(outcome.username, outcome);
          created.push(outcome);
        }
      }
      return ok(request, response, { entities: created.map(entity), data: failures });
    }
    const outcome = register(json);
    if ('error' in outcome) return fail(response, outcome.status, outcome.error, outcome.description);
    state.users.set(outcome.username, outcome);
    ok(request, response, { entities: [entity(outcome)], data: [] });
  });

  // §5 `GET /users?limit&cursor`: oldest registration first, at most 100 per page; `cursor` only
  // while more users follow.
  app.get('/users', (request, response) => {
    const limit = listLimit(request.query.limit, 100);
    if (limit === null) return fail(response, 400, 'illegal_argument', TEXTS.listLimitInvalid);
    const all = [...state.users.values()];
    const offset = decodeCursor(request.query.cursor);
    const page = all.slice(offset, offset + limit);
    ok(request, response, {
      entities: page.map(entity),
      count: page.length,
      ...(offset + limit < all.length ? { cursor: encodeCursor(offset + limit) } : {}),
      extra: { params: { limit: [String(limit)], ...(typeof request.query.cursor === 'string' ? { cursor: [request.query.cursor] } : {}) } },
    });
  });

  app.get('/users/:username', (request, response) => {
    const user = userOr404(response, param(request, 'username'));
    if (user) ok(request, response, { entities: [entity(user)], count: 1 });
  });

  app.put('/users/:username', (request, response) => {
    const user = userOr404(response, param(request, 'username'));
    if (!user) return;
    const nickname = bodyRecord(response).nickname;
    if (typeof nickname === 'string') {
      user.nickname = nickname;
      user.modified = now();
    }
    ok(request, response, { entities: [entity(user)] });
  });

  app.delete('/users/:username', (request, response) => {
    const user = userOr404(response, param(request, 'username'));
    if (!user) return;
    state.users.delete(user.username);
    for (const list of state.contacts.values()) list.delete(user.username);
    state.contacts.delete(user.username);
    ok(request, response, { entities: [entity(user)] });
  });

  // ─────────── contacts (§6) ───────────

  app.post('/users/:owner/contacts/users/:friend', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const friend = userOr404(response, param(request, 'friend'));
    if (!friend) return;
    if (owner.username === friend.username) return fail(response, 400, 'illegal_argument', TEXTS.invalidRequest);
    const mine = state.contactsOf(owner.username);
    const theirs = state.contactsOf(friend.username);
    if (!mine.has(friend.username)) {
      if (mine.size >= contactLimit) return fail(response, 403, 'exceed_limit', "Inviter's contact max count");
      if (theirs.size >= contactLimit) return fail(response, 403, 'exceed_limit', "Invitee's contact max count");
      // Two-way and immediate.
      mine.set(friend.username, null);
      theirs.set(owner.username, null);
    }
    ok(request, response, { entities: [entity(friend)] });
  });

  app.delete('/users/:owner/contacts/users/:friend', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const friend = userOr404(response, param(request, 'friend'));
    if (!friend) return;
    state.contactsOf(owner.username).delete(friend.username);
    state.contactsOf(friend.username).delete(owner.username);
    ok(request, response, { entities: [entity(friend)] });
  });

  app.get('/users/:owner/contacts/users', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const names = [...state.contactsOf(owner.username).keys()].reverse().slice(0, 3000);
    ok(request, response, { data: names, count: names.length });
  });

  app.get('/user/:owner/contacts', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const limit = request.query.limit === undefined ? 10 : Number(request.query.limit);
    if (!Number.isInteger(limit) || limit < 1) return fail(response, 400, 'illegal_argument', TEXTS.invalidRequest);
    if (limit > 50) return fail(response, 400, 'illegal_argument', TEXTS.contactPageCap);
    const withRemark = request.query.needReturnRemark === 'true';
    const contacts = state.contactsOf(owner.username);
    const offset = decodeCursor(request.query.cursor);
    const next = offset + limit;
    const page = iterableSlice(contacts, offset, next).map(([username, remark]) => (withRemark ? { username, remark } : { username }));
    ok(request, response, {
      data: { contacts: page },
      count: page.length,
      ...(next < contacts.size ? { cursor: encodeCursor(next) } : {}),
      extra: { uri: `http://${request.headers.host ?? 'localhost'}${locals(response).prefix}/user/${owner.uuid}/rostersByPage` },
    });
  });

  app.put('/user/:owner/contacts/users/:friend', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const friend = userOr404(response, param(request, 'friend'));
    if (!friend) return;
    const remark = bodyRecord(response).remark;
    if (typeof remark !== 'string') return fail(response, 400, 'illegal_argument', TEXTS.remarkMissing);
    if (remark.length > 100) return fail(response, 400, 'illegal_argument', TEXTS.remarkTooLong);
    const mine = state.contactsOf(owner.username);
    if (!mine.has(friend.username)) return fail(response, 400, 'illegal_argument', TEXTS.notFriends);
    mine.set(friend.username, remark === '' ? null : remark);
    response.status(200).json({ action: 'put', status: 'ok', timestamp: now(), uri: `${locals(response).prefix}${request.path}`, duration: 0 });
  });

  // ─────────── user block list (§7) ───────────

  app.post('/users/:owner/blocks/users', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const usernames = usernamesOf(response);
    if (usernames === null) return fail(response, 400, 'invalid_parameter', TEXTS.usernamesMissing);
    if (usernames.length > BLOCK_ADD_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.blockAddCap);
    for (const name of usernames) if (!state.users.has(name)) return fail(response, 404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
    const blocks = state.blocksOf(owner.username);
    for (const name of usernames) {
      if (name === owner.username || blocks.includes(name)) continue;
      blocks.unshift(name);
    }
    ok(request, response, { data: usernames.filter((name) => name !== owner.username) });
  });

  app.get('/users/:owner/blocks/users', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    pagedList(request, response, state.blocksOf(owner.username));
  });

  /** `pageSize` 1..50 + `cursor` (§7, §12); no params → up to the 500 newest. */
  function pagedList(request: Request, response: Response, all: string[]): void {
    if (request.query.pageSize === undefined) {
      const items = all.slice(0, 500);
      return ok(request, response, { data: items, count: items.length });
    }
    const size = Number(request.query.pageSize);
    if (!Number.isInteger(size) || size < 1 || size > 50) return fail(response, 400, 'invalid_parameter', TEXTS.pageSizeRange);
    const offset = decodeCursor(request.query.cursor);
    const items = all.slice(offset, offset + size);
    ok(request, response, { data: items, count: items.length, ...(offset + size < all.length ? { cursor: encodeCursor(offset + size) } : {}) });
  }

  app.delete('/users/:owner/blocks/users/:blocked', (request, response) => {
    const owner = userOr404(response, param(request, 'owner'));
    if (!owner) return;
    const blocked = userOr404(response, param(request, 'blocked'));
    if (!blocked) return;
    const blocks = state.blocksOf(owner.username);
    const index = blocks.indexOf(blocked.username);
    if (index >= 0) blocks.splice(index, 1);
    ok(request, response, { entities: [entity(blocked)] });
  });

  // ─────────── conversations (§13) ───────────

  app.delete('/users/:username/user_channel', (request, response) => {
    const user = userOr404(response, param(request, 'username'));
    if (!user) return;
    const json = locals(response).json;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail(response, 400, 'invalid_request_body', TEXTS.invalidRequestBody);
    const body = json as Record<string, unknown>;
    if (typeof body.channel !== 'string' || body.channel === '') return fail(response, 400, 'illegal_argument', TEXTS.channelMissing);
    if (body.type !== 'chat' && body.type !== 'groupchat') return fail(response, 400, 'illegal_argument', TEXTS.typeMissing);
    if (typeof body.delete_roam !== 'boolean') return fail(response, 400, 'illegal_argument', TEXTS.deleteRoamMissing);
    state.conversationsOf(user.username).delete(`${body.type}:${body.channel}`);
    ok(request, response, { data: { result: 'ok' } });
  });

  // ─────────── groups (§8) and chat rooms (§9–§12) ───────────

  for (const resource of ['chatgroups', 'chatrooms'] as const) {
    const isGroup = resource === 'chatgroups';
    /** Not-a-member: 400 for chat rooms, 403 for groups (§10, §11). */
    const notMemberStatusOfKind = notMemberStatus(isGroup);
    const idKey = isGroup ? 'groupid' : 'chatroomid';

    const roomOr404 = (response: Response, id: string): FakeRoom | undefined => {
      const room = state.room(resource, id);
      if (!room) roomNotFound(response, id);
      return room;
    };
    const notMembers = (response: Response, names: string[]): void =>
      fail(response, notMemberStatusOfKind, 'forbidden_op', TEXTS.notMembers(names));
    const ownerRefused = (response: Response): void => fail(response, 403, 'forbidden_op', TEXTS.ownerRefused);
    const removeMember = (room: FakeRoom, name: string): void => {
      room.members = room.members.filter((member) => member !== name);
      room.admins = room.admins.filter((member) => member !== name);
      room.white = room.white.filter((member) => member !== name);
    };

    app.post(`/${resource}`, (request, response) => {
      const body = bodyRecord(response);
      const name = isGroup ? body.groupname : body.name;
      // §8: `public` is optional per Agora's docs, which the audit follows (A8); 声网 documents a
      // 400 without it. Left out, the group is private.
      if (!isGroup && typeof name !== 'string') return fail(response, 400, 'invalid_parameter', TEXTS.nameMissing);
      // §9: required. Whether the server takes "" as provided is unverified (audit A1); the fake
      // reads it the strict way, so that the adapter is proven not to rely on it.
      if (!isGroup && (typeof body.description !== 'string' || body.description.trim() === '')) return fail(response, 400, 'invalid_parameter', TEXTS.descriptionMissing);
      if (typeof body.owner !== 'string' || body.owner === '') return fail(response, 400, 'invalid_parameter', TEXTS.ownerMissing);
      const members = body.members === undefined ? [] : body.members;
      if (!Array.isArray(members) || members.some((member) => typeof member !== 'string')) return fail(response, 400, 'invalid_parameter', TEXTS.membersNotList);
      if (!isGroup && body.members !== undefined && members.length === 0) return fail(response, 400, 'invalid_parameter', TEXTS.membersEmpty);
      for (const username of [body.owner, ...(members as string[])]) {
        if (!state.users.has(username)) return fail(response, 404, 'resource_not_found', TEXTS.userMissing(username));
      }
      const maxusers = typeof body.maxusers === 'number' ? body.maxusers : isGroup ? 200 : 1000;
      const unique = [...new Set(members as string[])].filter((member) => member !== body.owner);
      if (unique.length + 1 > maxusers) return fail(response, 403, 'exceed_limit', TEXTS.tooManyMembers);
      const id = state.nextRoomId();
      state.rooms.set(id, {
        id,
        resource,
        name: typeof name === 'string' ? name : '',
        description: typeof body.description === 'string' ? body.description : '',
        owner: body.owner,
        members: unique,
        maxusers,
        public: body.public === true,
        custom: typeof body.custom === 'string' ? body.custom : '',
        created: now(),
        mute: false,
        mutes: new Map(),
        admins: [],
        white: [],
        blocks: [],
      });
      ok(request, response, { data: isGroup ? { groupid: id } : { id } });
    });

    // §8/§9 list-all: newest first; groups up to 1000 a page, chat rooms up to 100 (Agora; 声网
    // says 1000). Group entries name the owner as `{org}#{app}_{owner}` and carry no mute-all.
    app.get(`/${resource}`, (request, response) => {
      const limit = listLimit(request.query.limit, isGroup ? 1000 : 100);
      if (limit === null) return fail(response, 400, 'illegal_argument', TEXTS.listLimitInvalid);
      const all = [...state.rooms.values()].filter((room) => room.resource === resource).reverse();
      all.sort((a, b) => b.created - a.created);
      const offset = decodeCursor(request.query.cursor);
      const page = all.slice(offset, offset + limit);
      const data = page.map((room) =>
        isGroup
          ? {
              owner: `${credentials.orgName}#${credentials.appName}_${room.owner}`,
              groupid: room.id,
              affiliations: room.members.length + 1,
              type: 'group',
              lastModified: String(room.created),
              groupname: room.name,
            }
          : { id: room.id, name: room.name, owner: room.owner, affiliations_count: room.members.length + 1, disabled: false },
      );
      ok(request, response, { data, count: data.length, ...(offset + limit < all.length ? { cursor: encodeCursor(offset + limit) } : {}) });
    });

    app.get(`/${resource}/:ids`, (request, response) => {
      const ids = param(request, 'ids').split(',').filter(Boolean);
      const rooms = ids.map((id) => state.room(resource, id)).filter((room): room is FakeRoom => room !== undefined);
      if (rooms.length === 0) {
        // §16: 404 codes differ between chat room details and groups.
        return roomNotFound(response, ids.join(','), !isGroup);
      }
      const data = rooms.map((room) => ({
        id: room.id,
        name: room.name,
        description: room.description,
        membersonly: false,
        allowinvites: false,
        maxusers: room.maxusers,
        owner: room.owner,
        created: room.created,
        custom: room.custom,
        mute: room.mute,
        affiliations_count: room.members.length + 1,
        ...(isGroup ? { disabled: false } : {}),
        affiliations: [{ owner: room.owner }, ...room.members.map((member) => ({ member }))],
        public: room.public,
      }));
      ok(request, response, { data, count: data.length });
    });

    app.delete(`/${resource}/:id`, (request, response) => {
      const room = state.room(resource, param(request, 'id'));
      if (!room) {
        return roomNotFound(response, param(request, 'id'), !isGroup);
      }
      state.rooms.delete(room.id);
      for (const conversations of state.conversations.values()) conversations.delete(`groupchat:${room.id}`);
      ok(request, response, { data: isGroup ? { success: true, groupid: room.id } : { success: true, id: room.id } });
    });

    // Members.
    app.get(`/${resource}/:id/users`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const maxSize = isGroup ? 100 : 1000;
      const size = request.query.pagesize === undefined ? (isGroup ? 10 : 1000) : Number(request.query.pagesize);
      const pageNumber = request.query.pagenum === undefined ? 1 : Number(request.query.pagenum);
      if (!Number.isInteger(size) || size < 1 || size > maxSize || !Number.isInteger(pageNumber) || pageNumber < 1) {
        return fail(response, 400, 'invalid_parameter', TEXTS.pageSizeBetween(maxSize));
      }
      const all = [{ owner: room.owner }, ...room.members.map((member) => ({ member }))];
      const data = all.slice((pageNumber - 1) * size, pageNumber * size);
      ok(request, response, { data, count: data.length, extra: { params: { pagesize: [String(size)], pagenum: [String(pageNumber)] } } });
    });

    app.post(`/${resource}/:id/users/:username`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const username = param(request, 'username');
      if (!state.users.has(username)) return fail(response, 404, 'resource_not_found', TEXTS.userMissing(username));
      if (room.blocks.includes(username)) return fail(response, 403, 'forbidden_op', TEXTS.bannedFromRoom(username, room.id));
      if (state.isMember(room, username)) {
        return fail(response, isGroup ? 403 : 400, 'forbidden_op', TEXTS.alreadyMember(username, room.id));
      }
      room.members.push(username);
      ok(request, response, { data: { result: true, action: 'add_member', user: username, ...(isGroup ? { groupid: room.id } : { id: room.id }) } });
    });

    app.post(`/${resource}/:id/users`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const usernames = usernamesOf(response);
      if (usernames === null) return fail(response, 400, 'invalid_parameter', TEXTS.usernamesMissing);
      if (usernames.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.addMembersCap);
      for (const name of usernames) if (!state.users.has(name)) return fail(response, 404, 'resource_not_found', TEXTS.userMissing(name));
      // 声网 group_member_add_delete.md: the batch fails only when every user is already a member
      // (Agora: "an error is returned"); otherwise those are left out of `newmembers` (audit A7).
      const alreadyIn = usernames.find((name) => state.isMember(room, name));
      if (isGroup && alreadyIn !== undefined && usernames.every((name) => state.isMember(room, name))) {
        return fail(response, 403, 'forbidden_op', TEXTS.alreadyMember(alreadyIn, room.id));
      }
      const added: string[] = [];
      for (const name of usernames) {
        if (state.isMember(room, name) || room.blocks.includes(name) || added.includes(name)) continue;
        if (room.members.length + 1 >= room.maxusers) return fail(response, 403, 'exceed_limit', TEXTS.tooManyMembers);
        room.members.push(name);
        added.push(name);
      }
      ok(request, response, { data: { newmembers: added, action: 'add_member', ...(isGroup ? { groupid: room.id } : { id: room.id }) } });
    });

    app.delete(`/${resource}/:id/users/:usernames`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const names = param(request, 'usernames').split(',').filter(Boolean);
      if (names.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.kickCap);
      const where = isGroup ? { groupid: room.id } : { id: room.id };
      if (names.length === 1) {
        const name = names[0]!;
        if (name === room.owner) return ownerRefused(response);
        if (!state.isMember(room, name)) return notMembers(response, [name]);
        removeMember(room, name);
        return ok(request, response, { data: { result: true, action: 'remove_member', user: name, ...where } });
      }
      const data = names.map((name) => {
        if (name === room.owner) return { result: false, action: 'remove_member', reason: TEXTS.ownerRefused, user: name, ...where };
        if (!state.isMember(room, name)) return { result: false, action: 'remove_member', reason: TEXTS.kickNotMember(name), user: name, ...where };
        removeMember(room, name);
        return { result: true, action: 'remove_member', user: name, ...where };
      });
      ok(request, response, { data });
    });

    // Admins (§17). Re-adding an admin answers 200 (the docs are silent); the 99-admin cap is not
    // simulated.
    app.get(`/${resource}/:id/admin`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (room) ok(request, response, { data: [...room.admins], count: room.admins.length });
    });

    app.post(`/${resource}/:id/admin`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const name = newAdminOf(locals(response).json);
      if (typeof name !== 'string') return fail(response, name.status, name.error, name.description);
      if (!state.users.has(name)) return fail(response, 404, 'resource_not_found', TEXTS.userMissing(name));
      if (name === room.owner) return ownerRefused(response);
      if (!state.isMember(room, name)) return fail(response, 404, 'resource_not_found', TEXTS.adminNotMember(name, isGroup, room.id));
      if (!room.admins.includes(name)) room.admins.push(name);
      ok(request, response, { data: { result: 'success', newadmin: name } });
    });

    app.delete(`/${resource}/:id/admin/:username`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const name = param(request, 'username');
      if (!state.users.has(name)) return fail(response, 404, 'resource_not_found', TEXTS.userMissing(name));
      if (!room.admins.includes(name)) return fail(response, 403, 'forbidden_op', TEXTS.notAdmin(name, isGroup, room.id));
      room.admins = room.admins.filter((admin) => admin !== name);
      ok(request, response, { data: { result: 'success', oldadmin: name } });
    });

    // Allow list (§10).
    app.get(`/${resource}/:id/white/users`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (room) ok(request, response, { data: [...room.white], count: room.white.length });
    });

    const whitelistAdd = (room: FakeRoom, name: string): Record<string, unknown> => {
      if (!room.white.includes(name)) room.white.push(name);
      return { result: true, action: 'add_user_whitelist', user: name, [idKey]: room.id };
    };

    app.post(`/${resource}/:id/white/users/:username`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const name = param(request, 'username');
      if (!state.isMember(room, name)) return notMembers(response, [name]);
      ok(request, response, { data: whitelistAdd(room, name) });
    });

    app.post(`/${resource}/:id/white/users`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const usernames = usernamesOf(response);
      if (usernames === null) return fail(response, 400, 'invalid_parameter', TEXTS.usernamesMissing);
      if (usernames.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.registerCap);
      const outsiders = usernames.filter((name) => !state.isMember(room, name));
      if (outsiders.length > 0) return notMembers(response, outsiders);
      ok(request, response, { data: usernames.map((name) => whitelistAdd(room, name)) });
    });

    app.delete(`/${resource}/:id/white/users/:usernames`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const names = param(request, 'usernames').split(',').filter(Boolean);
      if (names.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.whitelistRemoveCap);
      const data = names.map((name) => {
        room.white = room.white.filter((listed) => listed !== name);
        return { result: true, action: 'remove_user_whitelist', user: name, [idKey]: room.id };
      });
      ok(request, response, { data });
    });

    // Mutes and mute-all (§11).
    app.post(`/${resource}/:id/mute`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const usernames = usernamesOf(response);
      if (usernames === null) return fail(response, 400, 'invalid_parameter', TEXTS.usernamesMissing);
      if (usernames.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.muteCap);
      const duration = bodyRecord(response).mute_duration;
      if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < -1) return fail(response, 400, 'invalid_parameter', TEXTS.muteDurationMissing);
      if (usernames.includes(room.owner)) return ownerRefused(response);
      const outsiders = usernames.filter((name) => !state.isMember(room, name));
      if (outsiders.length > 0) return notMembers(response, outsiders);
      const data = usernames.map((user) => {
        if (duration === 0) {
          room.mutes.delete(user);
          return { result: true, expire: 0, user };
        }
        const expire = duration === -1 ? -1 : now() + duration;
        room.mutes.set(user, expire);
        return { result: true, expire, user };
      });
      ok(request, response, { data });
    });

    app.delete(`/${resource}/:id/mute/:usernames`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const names = param(request, 'usernames').split(',').filter(Boolean);
      if (names.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.unmuteCap);
      const data = names.map((user) => {
        room.mutes.delete(user);
        return { result: true, user };
      });
      ok(request, response, { data });
    });

    app.get(`/${resource}/:id/mute`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (room) ok(request, response, { action: 'post', data: state.activeMutes(room, now()) });
    });

    app.post(`/${resource}/:id/ban`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      room.mute = true;
      ok(request, response, { action: 'put', data: { mute: true } });
    });

    app.delete(`/${resource}/:id/ban`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      room.mute = false;
      ok(request, response, { action: 'put', data: { mute: false } });
    });

    // Room block lists (§12).
    app.get(`/${resource}/:id/blocks/users`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      if (!isGroup) return ok(request, response, { data: [...room.blocks], count: room.blocks.length });
      pagedList(request, response, room.blocks);
    });

    const ban = (room: FakeRoom, name: string): Record<string, unknown> => {
      const base = { action: 'add_blocks', user: name, [idKey]: room.id };
      if (room.blocks.includes(name)) return { result: true, ...base };
      if (name === room.owner) return { result: false, reason: TEXTS.ownerRefused, ...base };
      if (!state.isMember(room, name)) {
        return { result: false, reason: TEXTS.banNotMember(name, isGroup, room.id), ...base };
      }
      removeMember(room, name);
      room.blocks.unshift(name);
      return { result: true, ...base };
    };

    app.post(`/${resource}/:id/blocks/users/:username`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const name = param(request, 'username');
      if (name === room.owner) return ownerRefused(response);
      if (!state.isMember(room, name) && !room.blocks.includes(name)) return notMembers(response, [name]);
      ok(request, response, { data: ban(room, name) });
    });

    app.post(`/${resource}/:id/blocks/users`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const usernames = usernamesOf(response);
      if (usernames === null) return fail(response, 400, 'invalid_parameter', TEXTS.usernamesMissing);
      if (usernames.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.banAddCap);
      ok(request, response, { data: usernames.map((name) => ban(room, name)) });
    });

    app.delete(`/${resource}/:id/blocks/users/:usernames`, (request, response) => {
      const room = roomOr404(response, param(request, 'id'));
      if (!room) return;
      const names = param(request, 'usernames').split(',').filter(Boolean);
      if (names.length > ROOM_CAP) return fail(response, 400, 'invalid_parameter', TEXTS.banRemoveCap);
      const results = names.map((name) => {
        room.blocks = room.blocks.filter((banned) => banned !== name);
        return { result: true, action: 'remove_blocks', user: name, [idKey]: room.id };
      });
      // §12: a single-user remove answers an object, a comma list an array.
      ok(request, response, { data: names.length === 1 ? results[0] : results });
    });
  }

  // ─────────── messages (§14) ───────────

  for (const kind of ['users', 'chatgroups', 'chatrooms'] as const) {
    app.post(`/messages/${kind}`, (request, response) => {
      const body = bodyRecord(response);
      const from = body.from === undefined ? 'admin' : body.from;
      if (typeof from !== 'string' || from === '') return fail(response, 400, 'illegal_argument', TEXTS.fromEmpty);
      const targets = body.to;
      if (!Array.isArray(targets) || targets.length === 0 || targets.some((target) => typeof target !== 'string')) {
        return fail(response, 400, 'invalid_parameter', TEXTS.toMissing);
      }
      const content = body.body as Record<string, unknown> | undefined;
      if (body.type !== 'txt' || typeof content?.msg !== 'string') return fail(response, 400, 'invalid_parameter', TEXTS.messageBodyMissing);
      if (from !== 'admin' && !state.users.has(from)) return fail(response, 404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
      const data: Record<string, string> = {};
      const at = now();
      for (const target of targets as string[]) {
        const id = state.nextMessageId();
        if (kind === 'users') {
          if (!state.users.has(target)) return fail(response, 404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
          touch(from, 'chat', target, 0, at);
          touch(target, 'chat', from, 1, at);
        } else {
          const room = state.room(kind, target);
          if (!room) return roomNotFound(response, target);
          // Chat rooms keep no per-user conversation; groups do, for every member.
          if (kind === 'chatgroups') for (const member of [room.owner, ...room.members]) touch(member, 'groupchat', room.id, member === from ? 0 : 1, at);
        }
        state.messages.push({ id, kind, from, to: target, msg: content.msg, at, ...(typeof body.chatroom_msg_level === 'string' ? { level: body.chatroom_msg_level } : {}) });
        data[target] = id;
      }
      ok(request, response, { data });
    });
  }

  function touch(owner: string, type: 'chat' | 'groupchat', channel: string, unreadDelta: number, at: number): void {
    const conversations = state.conversationsOf(owner);
    const key = `${type}:${channel}`;
    const existing = conversations.get(key);
    conversations.delete(key);
    conversations.set(key, { type, channel, unread: unreadDelta === 0 ? 0 : (existing?.unread ?? 0) + unreadDelta, lastAt: at });
  }

  // Unknown URL or method under the app: the vendor's JAX-RS answer.
  app.use((_request, response) => {
    fail(response, 500, 'web_application', TEXTS.unknownRoute);
  });

  return {
    app,
    callbacks,
    callbackSecret,
    state,
    control,
    credentials,
    now,
    backendConfigFor: (baseUrl: string) => ({
      vendor: 'agora',
      baseUrl,
      orgName: credentials.orgName,
      appName: credentials.appName,
      appId: credentials.appId,
      appCertificate: credentials.appCertificate,
    }),
    close: async () => {
      control.releaseHanging();
    },
  };
}

export async function startFake(options: AgoraFakeOptions & { port?: number; host?: string } = {}): Promise<RunningAgoraFake> {
  const fake = createFake(options);
  const server = await listen(fake.app, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    ...fake,
    url: server.url,
    port: server.port,
    backendConfig: fake.backendConfigFor(server.url),
    close: async () => {
      fake.control.releaseHanging();
      await server.close();
    },
  };
}

export type { FakeRoomResource };
