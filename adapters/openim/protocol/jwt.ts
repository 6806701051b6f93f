/**
 * OpenIM tokens: HS256 JWTs signed with the server secret, claims UserID, PlatformID, exp, iat,
 * and `nbf` only before 3.8.3 (note §5). Verification answers the server's token codes 1501–1505
 * and checks `nbf` when a token carries one, as the jwt library does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WireError } from './wire.js';

export interface TokenClaims {
  UserID: string;
  PlatformID: number;
  exp: number;
  nbf?: number;
  iat: number;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function signature(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signToken(claims: TokenClaims, secret: string): string {
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${signature(input, secret).toString('base64url')}`;
}

/** The claims of a valid token, or the server's token error. `nowSeconds` is the fake's clock. */
export function verifyToken(token: string, secret: string, nowSeconds: number): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new WireError(1503, 'token contains an invalid number of segments');
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    throw new WireError(1503, 'token is malformed');
  }
  const expected = signature(`${parts[0]}.${parts[1]}`, secret);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WireError(1505, 'signature is invalid');
  return checkTokenTimes(claims, nowSeconds);
}

/** The claims when the token is within its validity window at `nowSeconds`, else the server's error. */
export function checkTokenTimes(claims: TokenClaims, nowSeconds: number): TokenClaims {
  if (typeof claims.exp === 'number' && claims.exp < nowSeconds) throw new WireError(1501, 'token is expired');
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) throw new WireError(1504, 'token is not valid yet');
  return claims;
}
