/**
 * The facade's own OpenIM auth (vendor note §2, §5): apps exchange `compat.openim.secret` for an
 * admin token at `/auth/get_admin_token`, and every other route needs `operationID` and that
 * token. Tokens are HS256 JWTs signed with the facade's secret, checked exactly as OpenIM checks
 * them (1501–1505); a well-signed token of a non-admin user is 1507, as an unknown user token is
 * on OpenIM (the facade issues no user tokens).
 */
import { LRUCache } from 'lru-cache';
import { checkTokenTimes, signToken, verifyToken, type TokenClaims } from '../protocol/jwt.js';
import { ADMIN_PLATFORM_ID, DEFAULT_TOKEN_EXPIRE_SECONDS, WireError, argsError, noPermission, text, tokenClaims, type Body } from '../protocol/wire.js';

export interface FacadeCredentials {
  secret: string;
  adminUserId: string;
  /**
   * Tokens whose signature this secret has verified, with their claims: every pass-through call
   * carries one, and its HMAC and two JSON parses are worth doing once. Times are still checked
   * on every call, so a cached token expires when its claims say.
   */
  verified: LRUCache<string, TokenClaims>;
}

export function credentialsOf(config: Record<string, unknown>): FacadeCredentials {
  const secret = config['secret'];
  const adminUserId = config['adminUserId'];
  if (typeof secret !== 'string' || secret === '') throw new Error('compat.openim.secret is required');
  return { secret, adminUserId: typeof adminUserId === 'string' && adminUserId !== '' ? adminUserId : 'imAdmin', verified: new LRUCache({ max: 1_000 }) };
}

/** `/auth/get_admin_token {secret, userID}` → `{token, expireTimeSeconds}`; wrong secret 1002, non-admin 1001. */
export function issueAdminToken(credentials: FacadeCredentials, body: Body, nowMs: number): Body {
  const secret = text(body, 'secret');
  const userID = text(body, 'userID');
  if (secret !== credentials.secret) throw noPermission('secret invalid');
  if (userID !== credentials.adminUserId) throw argsError('userID is not admin');
  // The facade speaks 3.8.3: its claims, without nbf.
  const token = signToken(tokenClaims(userID, ADMIN_PLATFORM_ID, Math.floor(nowMs / 1000), DEFAULT_TOKEN_EXPIRE_SECONDS, true), credentials.secret);
  return { token, expireTimeSeconds: DEFAULT_TOKEN_EXPIRE_SECONDS };
}

/** The token's user when it is one of ours, else OpenIM's token error. */
export function checkToken(credentials: FacadeCredentials, token: string, nowMs: number): string {
  const nowSeconds = Math.floor(nowMs / 1000);
  const known = credentials.verified.get(token);
  const claims = known ? checkTokenTimes(known, nowSeconds) : verifyToken(token, credentials.secret, nowSeconds);
  if (!known) credentials.verified.set(token, claims);
  // Only admin tokens are issued here; any other user's token is "not in Redis" on OpenIM.
  if (claims.UserID !== credentials.adminUserId) throw new WireError(1507, 'token not exist');
  return claims.UserID;
}

/** `/auth/parse_token {token}` → `{userID, platformID, expireTimeSeconds (absolute)}` (note §5). */
export function parseToken(credentials: FacadeCredentials, body: Body, nowMs: number): Body {
  const claims = verifyToken(text(body, 'token'), credentials.secret, Math.floor(nowMs / 1000));
  return { userID: claims.UserID, platformID: claims.PlatformID, expireTimeSeconds: claims.exp };
}
