/**
 * The facade's credential check: exactly the signature part of Wildfire's AdminAction pre-check
 * (vendor note §2), against the `compat.wildfire.secret` apps sign with — 239 for missing or
 * malformed headers, 243 for a timestamp more than 2 h old, 244 for a wrong sign, each in the
 * nested pre-check envelope. The check itself is the fake's (adapters/wildfire/protocol/wire.ts).
 */
import type { Request, Response } from 'express';
import { checkSignature, sendPrecheckError } from '../protocol/wire.js';

export interface SignatureOptions {
  secret: string;
  noCheckTime: boolean;
  now?: () => number;
}

/** True when the request is signed with the facade's secret; otherwise answers the vendor's refusal. */
export function verifySignature(request: Request, response: Response, options: SignatureOptions): boolean {
  const code = checkSignature(request.headers, { secret: options.secret, noCheckTime: options.noCheckTime, now: options.now ?? Date.now });
  if (code === 0) return true;
  sendPrecheckError(response, code);
  return false;
}
