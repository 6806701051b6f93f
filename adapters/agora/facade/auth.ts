/**
 * The facade's credential check, in the vendor's order (vendor note §1–§3): the path must name
 * this app (`/{org}/{app}` or `/app-id/{appId}` from `compat.agora`), else 404
 * `organization_application_not_found`; then `Authorization: Bearer <app token>` must be an
 * AccessToken2 app token built from the configured App ID and certificate — verified by the same
 * code the Agora fake uses, so the refusals are the vendor's own. The path below the prefix
 * becomes the request URL for the routes and the pass-through.
 */
import type { RequestHandler } from 'express';
import { appNotFound, checkAuthorization, errorBody, resolveAppPath } from '../protocol/wire.js';
import type { AgoraFacadeConfig } from './facade-config.js';

export interface AuthorizedLocals {
  /** The app prefix the client used, e.g. `/org/app`. */
  agoraPrefix: string;
}

export function createAuthCheck(config: AgoraFacadeConfig, now: () => number = Date.now): RequestHandler {
  return (request, response, next) => {
    const resolved = resolveAppPath(request.path, config);
    if (resolved === null) {
      const refusal = appNotFound(request.path);
      response.status(refusal.status).json(errorBody(refusal.error, refusal.description));
      return;
    }
    const verdict = checkAuthorization(request.headers.authorization, config.appId, config.appCertificate, Math.floor(now() / 1000));
    if (!verdict.ok) {
      response.status(verdict.status).json(errorBody(verdict.error, verdict.description));
      return;
    }
    (response.locals as AuthorizedLocals).agoraPrefix = resolved.prefix;
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    request.url = resolved.rest + query;
    next();
  };
}
