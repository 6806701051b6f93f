/**
 * The `openim` backend block of the config (validated by adapters/openim/backend.schema.json
 * before it reaches here) and what the adapter derives from its `version`.
 */
import type { RetryOptions } from '../../../src/runtime/index.js';
import { parseOpenImVersion, versionAtLeast } from '../protocol/version.js';

export interface OpenImConfig {
  vendor: 'openim';
  /** OpenIM API server, e.g. `http://127.0.0.1:10002` (no path prefix). */
  baseUrl: string;
  /** A user in the server's admin list (`share.yml imAdminUserID`, default `imAdmin`). */
  adminUserId: string;
  /** `share.yml secret` (default `openIM123`); exchanged for the admin token. */
  secret: string;
  /** Server release, `3.7`, `3.8.0`, `3.8.3`, `3.8.3-patch.16` …; default `3.8.3`. Decides routes (note §1). */
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
  /**
   * 3.8.2+: get_users_info omits unknown ids; up to 3.8.1 one unknown id makes the whole call
   * 1004 (`FindWithError`, audit O-1).
   */
  lenientUserReads: boolean;
  /**
   * 3.8+: import_friend adds only the missing directions; 3.7 inserts existing rows again and
   * answers 500 from the unique index (audit O-2).
   */
  importKeepsRows: boolean;
}

export function featuresOf(version = DEFAULT_VERSION): OpenImFeatures {
  const parsed = parseOpenImVersion(version);
  return {
    version,
    adminTokenRoute: versionAtLeast(parsed, [3, 8, 1]),
    registerNeedsSecret: !versionAtLeast(parsed, [3, 8, 1]),
    specifiedBlacks: versionAtLeast(parsed, [3, 8, 1]),
    lenientFriendReads: versionAtLeast(parsed, [3, 8, 0]),
    lenientUserReads: versionAtLeast(parsed, [3, 8, 2]),
    importKeepsRows: versionAtLeast(parsed, [3, 8, 0]),
  };
}
