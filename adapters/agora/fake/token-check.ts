/**
 * How the fake checks `Authorization: Bearer <app token>` (vendor note §2, §3): it knows the App
 * ID and App Certificate, parses the AccessToken2 with agora-token's own parser (the same source
 * as the vendor's builders), verifies the HMAC signature, the Chat service with the app privilege
 * (service 5, privilege 2), and the expiry (`issueTs + expire`).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ParsedService {
  service_type(): number;
  __privileges: Record<string, number>;
}

interface AccessToken2Instance {
  /** agora-token's reader hands strings back as Buffers. */
  appId: Buffer | string;
  issueTs: number;
  expire: number;
  from_string(token: string): boolean;
  verifySignature(appCertificate: string): boolean;
  getServices(serviceType: number): ParsedService[];
}

// agora-token has no `exports` map and no types for its internals; the shape is declared above.
const { AccessToken2 } = require('agora-token/src/AccessToken2.js') as { AccessToken2: new () => AccessToken2Instance };

export const CHAT_SERVICE_TYPE = 5;
export const CHAT_APP_PRIVILEGE = 2;

export type TokenVerdict =
  | { ok: true }
  | { ok: false; status: 401; error: 'unauthorized' | 'auth_bad_access_token'; description: string };

const EXPIRED = 'Unable to authenticate due to expired access token';
const CORRUPT = 'Unable to authenticate due to corrupt access token';
const FOREIGN = 'Unable to authenticate';

/** Verifies an `Authorization` header value; `nowSeconds` is the fake's clock. */
export function checkAuthorization(header: string | undefined, appId: string, appCertificate: string, nowSeconds: number): TokenVerdict {
  // §2: a missing token reads as "expired access token".
  if (header === undefined || !/^Bearer\s+\S/i.test(header)) return { ok: false, status: 401, error: 'unauthorized', description: EXPIRED };
  const token = header.replace(/^Bearer\s+/i, '').trim();
  const parsed = new AccessToken2();
  if (!parsed.from_string(token)) return { ok: false, status: 401, error: 'auth_bad_access_token', description: CORRUPT };
  // Well-formed but not issued for this app (other App ID or certificate): "Unable to authenticate".
  if (String(parsed.appId) !== appId || !parsed.verifySignature(appCertificate)) {
    return { ok: false, status: 401, error: 'auth_bad_access_token', description: FOREIGN };
  }
  const chat = parsed.getServices(CHAT_SERVICE_TYPE)[0];
  const privilegeExpire = chat?.__privileges[String(CHAT_APP_PRIVILEGE)];
  // A user token (privilege 1) or a token of another service is not an app token.
  if (privilegeExpire === undefined) return { ok: false, status: 401, error: 'auth_bad_access_token', description: FOREIGN };
  if (nowSeconds > parsed.issueTs + parsed.expire || nowSeconds > parsed.issueTs + privilegeExpire) {
    return { ok: false, status: 401, error: 'unauthorized', description: EXPIRED };
  }
  return { ok: true };
}
