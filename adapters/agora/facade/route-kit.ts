/**
 * What every translated route shares: the body read per route, the backend of the request, the
 * usergrid success envelope and the error answer. A route is an async function of one
 * `FacadeCall`; anything it throws is answered in the vendor's error body (errors.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ImBridgeError, type Backend, type User } from '../../../src/spec/index.js';
import { errorBody, successEnvelope, userEntity } from '../protocol/wire.js';
import type { AuthorizedLocals } from './auth.js';
import { toVendorError, type RefusalContext } from './errors.js';
import { noteErrorCode } from '../../../src/facade-kit/facade-outcome.js';
import type { AgoraFacadeConfig } from './facade-config.js';
import { readBody } from './read-body.js';
import { stableUuid } from './stable-uuid.js';

export interface OkFields {
  action?: string;
  entities?: unknown[];
  data?: unknown;
  count?: number;
  cursor?: string;
  extra?: Record<string, unknown>;
}

export interface FacadeCall {
  request: Request;
  response: Response;
  backend: Backend;
  /** The app prefix the client used (`/org/app` or `/app-id/…`). */
  prefix: string;
  /** The parsed JSON body; undefined when there was none. */
  json: unknown;
  /** Names the room/users for error texts; routes fill it in as they learn them. */
  context: RefusalContext;
  param(name: string): string;
  /** The body when it is an object, else `{}` (how the vendor reads a missing field). */
  record(): Record<string, unknown>;
  /** `usernames` of the body when it is a list of strings, else null. */
  usernames(): string[] | null;
  ok(fields: OkFields): void;
  /** The usergrid user entity of a unified user (uuid derived, times unknown → now). */
  entity(user: User): Record<string, unknown>;
  now(): number;
}

export interface RouteKit {
  route(handler: (call: FacadeCall) => Promise<void>): RequestHandler;
}

export interface RouteKitOptions {
  config: AgoraFacadeConfig;
  backendFor(request: Request): Backend | undefined;
  logger: Logger;
  now?: () => number;
}

export function createRouteKit(options: RouteKitOptions): RouteKit {
  const now = options.now ?? Date.now;
  const application = stableUuid(`agora-application:${options.config.appId}`);

  function answerError(response: Response, error: unknown, context: RefusalContext): void {
    const refusal = toVendorError(error, context);
    if (ImBridgeError.is(error)) noteErrorCode(response, error.code);
    if (refusal.status >= 500) {
      // Code and message only: backend errors are secret-free, and no request data is logged.
      options.logger.warn({ status: refusal.status, code: error instanceof Error && 'code' in error ? (error as { code: unknown }).code : undefined, reason: error instanceof Error ? error.message : String(error) }, 'agora facade call failed');
    }
    if (refusal.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(refusal.retryAfterSeconds));
    if (!response.headersSent) response.status(refusal.status).json(errorBody(refusal.error, refusal.description, now()));
  }

  return {
    route: (handler) => async (request, response) => {
      const call: Partial<FacadeCall> & { context: RefusalContext } = { context: {} };
      try {
        const json = await readBody(request, response);
        const backend = options.backendFor(request);
        if (backend === undefined) {
          // X-IM-Backend named no configured backend: for the app, its data store does not exist.
          response.status(404).json(errorBody('organization_application_not_found', `Could not find application for backend ${request.get('x-im-backend') ?? ''}`, now()));
          return;
        }
        const prefix = (response.locals as AuthorizedLocals).agoraPrefix;
        const record = (): Record<string, unknown> => (json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {});
        Object.assign(call, {
          request,
          response,
          backend,
          json,
          prefix,
          now,
          param: (name: string) => {
            const value = request.params[name];
            return typeof value === 'string' ? value : '';
          },
          record,
          usernames: () => {
            const list = record().usernames;
            return Array.isArray(list) && list.every((item) => typeof item === 'string') ? (list as string[]) : null;
          },
          ok: (fields: OkFields) => {
            response.status(200).json(
              successEnvelope({
                ...fields,
                action: fields.action ?? request.method.toLowerCase(),
                application,
                path: request.path,
                uri: `${request.protocol}://${request.get('host') ?? 'localhost'}${request.baseUrl}${prefix}${request.path}`,
                timestamp: now(),
                ...(options.config.orgName !== undefined ? { organization: options.config.orgName, applicationName: options.config.appName } : {}),
              }),
            );
          },
          entity: (user: User) => {
            const at = now();
            return userEntity({ uuid: stableUuid(`${backend.name}:${user.uid}`), username: user.uid, created: at, modified: at, activated: true, nickname: user.name });
          },
        });
        await handler(call as FacadeCall);
      } catch (error) {
        answerError(response, error, call.context);
      }
    },
  };
}
