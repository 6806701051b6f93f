/**
 * Reads one translated route's body as the vendor does (empty = none, non-JSON type 415, bad JSON
 * 400 `json_parse`). Per route, never on the whole router: untranslated routes keep their stream
 * for the pass-through.
 */
import express, { type Request, type Response } from 'express';
import { parseBody } from '../protocol/wire.js';
import { AgoraRefusalError } from './errors.js';

const readText = express.text({ type: () => true, limit: '1mb' });

/** The parsed JSON body (undefined when empty); throws the vendor's refusal for a bad one. */
export async function readBody(request: Request, response: Response): Promise<unknown> {
  await new Promise<void>((resolve, reject) => readText(request, response, (error?: unknown) => (error ? reject(error) : resolve())));
  const parsed = parseBody(typeof request.body === 'string' ? request.body : '', request.headers['content-type']);
  if (!parsed.ok) throw new AgoraRefusalError(parsed.refusal);
  return parsed.json;
}
