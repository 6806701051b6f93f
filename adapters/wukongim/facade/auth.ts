/**
 * The facade's credential check, exactly as WuKongIM's token middleware does it: when
 * `compat.wukongim.token` is set, every request (routes it translates, pass-through, `/health`,
 * unknown paths) must carry `token: <that value>`, else HTTP 401 with an empty body (note §1).
 * The value is the facade's own; the upstream's managerToken is never compared or echoed here.
 */
import type { RequestHandler } from 'express';
import { refuseToken, tokenAccepted } from '../protocol/wire.js';

export function createTokenCheck(token: string): RequestHandler {
  return (request, response, next) => {
    if (!tokenAccepted(request, token)) {
      refuseToken(response);
      return;
    }
    next();
  };
}
