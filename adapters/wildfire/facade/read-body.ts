/**
 * Reads one translated route's body as Wildfire's server does (raw text, Gson-lenient), per route:
 * the router has no body parser, so untranslated routes keep their stream for the pass-through.
 */
import express, { type Request, type Response } from 'express';
import { parseJson } from '../../../src/runtime/index.js';
import { parseBody, type Json } from '../protocol/wire.js';

/** Wildfire clients send `application/json; charset=utf-8`, but the server reads the body whatever the type (§1). */
const readText = express.text({ type: () => true, limit: '1mb' });

/** The body as a JSON object; throws JavaException (→ HTTP 500 with its text) for what makes the server throw. */
export async function readBody(request: Request, response: Response): Promise<Json> {
  await new Promise<void>((resolve, reject) => readText(request, response, (error?: unknown) => (error ? reject(error) : resolve())));
  // int64 values (messageUid) stay exact.
  return parseBody(typeof request.body === 'string' ? request.body : '', parseJson);
}
