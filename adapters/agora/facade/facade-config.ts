/**
 * The `compat.agora` block (adapters/agora/facade.schema.json) as the facade reads it: the app
 * identity apps address (`/{orgName}/{appName}` and `/app-id/{appId}`) and the certificate their
 * app tokens are verified with. The certificate is never logged nor answered.
 */
import type { CompatConfig } from '../../../src/facade-kit/index.js';

export interface AgoraFacadeConfig {
  orgName?: string;
  appName?: string;
  appId: string;
  appCertificate: string;
  timeoutMs?: number;
}

export function readFacadeConfig(config: CompatConfig): AgoraFacadeConfig {
  const text = (key: string): string | undefined => (typeof config[key] === 'string' ? (config[key] as string) : undefined);
  const appId = text('appId');
  const appCertificate = text('appCertificate');
  // The schema requires both; a facade built without them could verify nothing.
  if (appId === undefined || appCertificate === undefined) throw new Error('compat.agora: appId and appCertificate are required');
  const orgName = text('orgName');
  const appName = text('appName');
  if ((orgName === undefined) !== (appName === undefined)) throw new Error('compat.agora: orgName and appName go together (or leave both out to serve /app-id/{appId} only)');
  return {
    appId,
    appCertificate,
    ...(orgName !== undefined && appName !== undefined ? { orgName, appName } : {}),
    ...(typeof config.timeoutMs === 'number' ? { timeoutMs: config.timeoutMs } : {}),
  };
}
