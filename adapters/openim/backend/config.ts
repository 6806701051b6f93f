/**
 * The `openim` backend block of the config (validated by adapters/openim/backend.schema.json
 * before it reaches here) and what the adapter derives from its `version`.
 */
import type { RetryOptions } from '../../../src/runtime/index.js';

export interface OpenImConfig {
  vendor: 'openim';
  /** OpenIM API server, e.g. `http://127.0.0.1:10002` (no path prefix). */
  baseUrl: string;
  /** A user in the server's admin list (`share.yml imAdminUserID`, default `imAdmin`). */
  adminUserId: string;
  /** `share.yml secret` (default `openIM123`); exchanged for the admin token. */
  secret: string;
  /** Server release, `3.7`, `3.8.0`, `3.8.3` …; default `3.8.3`. Decides routes (note §1). */
  version?: string;
  /** The server runs with `openim-rpc-msg.yml friendVerify: true`; the adapter then refuses direct messages between non-mutual friends. */
  friendVerify?: boolean;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
}

export const DEFAULT_VERSION = '3.8.3';

/** Route and behaviour differences between releases (vendor note §1). */
export interface OpenImFeatures {
  version: string;
  /** 3.8.1+: `/auth/get_admin_token`; before: `/auth/user_token` with the secret. */
  adminTokenRoute: boolean;
  /** ≤3.8.0: `/user/user_register` carries the secret in its body. */
  registerNeedsSecret: boolean;
  /** 3.8.1+: `/friend/get_specified_blacks` exists. */
  specifiedBlacks: boolean;
  /** 3.8+: get_designated_friends omits non-friends and delete_friend of a non-friend succeeds; 3.7 answers 1004. */
  lenientFriendReads: boolean;
}

export function parseVersion(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
  if (!match) throw new RangeError(`openim version "${version}" is not like 3.8.3`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function atLeast(version: [number, number, number], wanted: [number, number, number]): boolean {
  for (let index = 0; index < 3; index += 1) {
    if (version[index]! !== wanted[index]!) return version[index]! > wanted[index]!;
  }
  return true;
}

export function featuresOf(version = DEFAULT_VERSION): OpenImFeatures {
  const parsed = parseVersion(version);
  return {
    version,
    adminTokenRoute: atLeast(parsed, [3, 8, 1]),
    registerNeedsSecret: !atLeast(parsed, [3, 8, 1]),
    specifiedBlacks: atLeast(parsed, [3, 8, 1]),
    lenientFriendReads: atLeast(parsed, [3, 8, 0]),
  };
}
