/**
 * One translated route: its own body parser (the router as a whole must leave bodies unread for
 * the pass-through), the backend of this request, and the vendor's answers — a returned value as
 * the bare JSON body (ids above 2^53 exact), `undefined` as `{"status":200}`, a failure as
 * `{"msg","status":400}`.
 */
import express, { type Request, type RequestHandler } from 'express';
import type { Backend } from '../../../src/spec/index.js';
import { VendorFailure, sendJson } from '../protocol/wire.js';
import type { FacadeContext } from '../../../src/facade-kit/facade.js';
import { answerError } from './errors.js';

export type VendorHandler = (request: Request, backend: Backend) => Promise<unknown>;

/** The raw text body, decoded later with the vendor's Go decoder rules (`protocol.decode`). */
const textBody = express.text({ type: () => true, limit: '1mb' });

export function vendorRoute(context: FacadeContext, handler: VendorHandler): RequestHandler[] {
  return [
    textBody,
    async (request, response) => {
      try {
        const backend = context.backendFor(request);
        if (!backend) throw new VendorFailure(`imbridge: unknown backend "${request.get('x-im-backend') ?? context.config.backend}"`);
        const result = await handler(request, backend);
        sendJson(response, 200, result === undefined ? { status: 200 } : result);
      } catch (error) {
        answerError(response, error, context.logger);
      }
    },
  ];
}
