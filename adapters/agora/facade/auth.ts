/**
 * The facade's credential check, in the vendor's order (vendor note §1–§3): the path must name
 * this app (`/{org}/{app}` or `/app-id/{appId}` from `compat.agora`), else 404
 * `organization_application_not_found`; then `Authorization: Bearer <app token>` must be an
 * AccessToken2 app token built from the configured App ID and certificate — verified by the same
 * code the Agora fake uses, so the refusals are the vendor's own. The path below the prefix
 * becomes the request URL for the routes and the pass-through.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { appNotFound, checkAuthorization, errorBody, resolveAppPath, type AgoraRefusal } from '../protocol/wire.js';
import type { AgoraFacadeConfig } from './facade-config.js';

export interface AuthorizedLocals {
  /** The app prefix the client used, e.g. `/org/app`. */
  agoraPrefix: string;
}

export type Authorization = { ok: true; prefix: string; rest: string } | { ok: false; refusal: AgoraRefusal };

/** The check itself, on any request: the router's step below and the pass-through lane before express both run it. */
export function authorize(request: IncomingMessage, path: string, config: AgoraFacadeConfig, nowMs: number): Authorization {
  const resolved = resolveAppPath(path, config);
  if (resolved === null) return { ok: false, refusal: appNotFound(path) };
  const verdict = checkAuthorization(request.headers.authorization, config.appId, config.appCertificate, Math.floor(nowMs / 1000));
  if (!verdict.ok) return { ok: false, refusal: verdict };
  return { ok: true, ...resolved };
}

export function createAuthCheck(config: AgoraFacadeConfig, now: () => number = Date.now): RequestHandler {
  return (request, response, next) => {
    const authorization = authorize(request, request.path, config, now());
    if (!authorization.ok) {
      const { refusal } = authorization;
      response.status(refusal.status).json(errorBody(refusal.error, refusal.description));
      return;
    }
    (response.locals as AuthorizedLocals).agoraPrefix = authorization.prefix;
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    request.url = authorization.rest + query;
    next();
  };
}
