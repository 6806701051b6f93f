/**
 * The live backdoor for Wildfire: reads a real server's state through its own admin read API
 * (`user/get_info`, `friend/list`, `relation/get`, `blacklist/list`, `group/get_info`,
 * `group/member/list`), with its own signed HTTP calls, so nothing of the adapter is on the
 * path that checks the adapter. What the server has no read for, it says so instead of guessing.
 */
import { BackdoorCannotRead, type Backdoor, type BackdoorRoom } from '../../../src/testing/index.js';
import type { MemberRole } from '../../../src/spec/index.js';
import { parseJson } from '../../../src/runtime/index.js';
import { MEMBER_TYPE, signedHeaders } from '../protocol/wire.js';

export interface LiveBlock {
  baseUrl: string;
  secret: string;
}

interface Envelope {
  code: number;
  msg?: string;
  result?: Record<string, unknown>;
}

/** Codes that mean "no such row" on the read routes used here. */
const NOT_FOUND = new Set([4, 253]);

function role(type: number): MemberRole {
  if (type === MEMBER_TYPE.owner) return 'owner';
  if (type === MEMBER_TYPE.manager) return 'admin';
  return 'member';
}

export function createLiveBackdoor(block: LiveBlock): Backdoor {
  const base = block.baseUrl.replace(/\/$/, '');
  const read = async (path: string, body: Record<string, unknown>): Promise<Envelope> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(block.secret) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`Wildfire ${path} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    return parseJson(text) as Envelope;
  };
  const result = async (path: string, body: Record<string, unknown>): Promise<Record<string, unknown> | null> => {
    const envelope = await read(path, body);
    if (envelope.code === 0) return envelope.result ?? {};
    if (NOT_FOUND.has(envelope.code)) return null;
    throw new Error(`Wildfire ${path} answered code ${envelope.code} ${envelope.msg ?? ''}`);
  };
  const list = async (path: string, body: Record<string, unknown>): Promise<string[]> => {
    const found = await result(path, body);
    return Array.isArray(found?.list) ? (found.list as unknown[]).map(String) : [];
  };
  const activeMembers = async (id: string): Promise<Array<{ member_id: string; type: number }>> => {
    const found = await result('/admin/group/member/list', { groupId: id });
    const members = Array.isArray(found?.members) ? (found.members as Array<{ member_id?: unknown; type?: unknown }>) : [];
    return members.map((member) => ({ member_id: String(member.member_id ?? ''), type: Number(member.type ?? 0) })).filter((member) => member.type !== MEMBER_TYPE.removed);
  };
  return {
    async user(uid) {
      const found = await result('/admin/user/get_info', { userId: uid });
      if (!found) return null;
      const name = typeof found.displayName === 'string' && found.displayName !== '' ? found.displayName : null;
      return { uid, name };
    },
    async friends(uid) {
      const friends = await list('/admin/friend/list', { userId: uid });
      return Promise.all(
        friends.map(async (friend) => {
          const relation = await result('/admin/relation/get', { first: uid, second: friend });
          const alias = typeof relation?.alias === 'string' && relation.alias !== '' ? relation.alias : null;
          return { friend, alias };
        }),
      );
    },
    blocks: (uid) => list('/admin/blacklist/list', { userId: uid }),
    async pendingRequest() {
      // The community server declares /admin/friend/get_requests in APIPath but serves no action for it.
      throw new BackdoorCannotRead('pending friend requests (Wildfire has no admin read of them)');
    },
    async userWhitelist() {
      // Wildfire keeps no per-user message whitelist.
      return [];
    },
    async room(kind, id): Promise<BackdoorRoom | null> {
      if (kind !== 'group') return null;
      const found = await result('/admin/group/get_info', { groupId: id });
      if (!found) return null;
      return { name: String(found.name ?? ''), owner: String(found.owner ?? ''), muteAll: Number(found.mute ?? 0) === 1 };
    },
    async members(kind, id) {
      if (kind !== 'group') return [];
      return (await activeMembers(id)).map((member) => ({ uid: member.member_id, role: role(member.type) }));
    },
    async mutedMembers(kind, id) {
      if (kind !== 'group') return [];
      return (await activeMembers(id)).filter((member) => member.type === MEMBER_TYPE.silent).map((member) => member.member_id);
    },
    async roomWhitelist(kind, id) {
      if (kind !== 'group') return [];
      return (await activeMembers(id)).filter((member) => member.type === MEMBER_TYPE.allowed).map((member) => member.member_id);
    },
    async roomBlocks() {
      return [];
    },
    async conversations() {
      // No admin conversation list in either edition (the adapter declares conversations.list false).
      throw new BackdoorCannotRead('conversations (Wildfire has no admin conversation list)');
    },
  };
}
