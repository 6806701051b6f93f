/**
 * Agora Chat backend entry point: `createBackend(config, context)` as the host loads it.
 * The credentials are checked here, at start-up: agora-token builds an empty token (no throw)
 * from an App ID or App Certificate that is not 32 hex characters (vendor note §3).
 */
import { InvalidArgumentError, type BackendFactory } from '../../../src/spec/index.js';
import type { RetryOptions } from '../../../src/runtime/index.js';
import { AgoraBackend } from './agora-backend.js';
import { assertCredentials } from './client.js';

export interface AgoraConfig {
  vendor: 'agora';
  /** `https://{host}` of the project (e.g. `https://a41.chat.agora.io`). */
  baseUrl: string;
  /** With `appName`: the `/{org}/{app}` path prefix (App Key). Absent: `/app-id/{appId}`. */
  orgName?: string;
  appName?: string;
  appId: string;
  appCertificate: string;
  timeoutMs?: number;
  tokenTtlSeconds?: number;
  retry?: Partial<RetryOptions>;
}

export const createBackend: BackendFactory<AgoraConfig> = async (config, context) => {
  assertCredentials(config.appId, config.appCertificate);
  if ((config.orgName === undefined) !== (config.appName === undefined)) {
    throw new InvalidArgumentError('agora config: orgName and appName go together (or leave both out to use /app-id/{appId})', {
      details: { key: config.orgName === undefined ? 'orgName' : 'appName' },
    });
  }
  return new AgoraBackend({ ...config, name: context.name }, context);
};

export { AgoraBackend } from './agora-backend.js';
export { AGORA_CAPABILITIES } from './capabilities.js';
export { AGORA_ID_RULE } from './ids.js';
