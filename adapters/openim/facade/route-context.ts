/** What every translated OpenIM route gets, and the shape of its handler. */
import type { Backend } from '../../../src/spec/index.js';
import type { Body } from '../protocol/wire.js';

export interface RouteContext {
  backend: Backend;
  /** The decoded JSON body. */
  body: Body;
  /** The token's user (an admin: the facade issues admin tokens only); OpenIM records it as operator. */
  operator: string;
  /** Clock in ms. */
  now: number;
}

/** Returns `data`, or undefined for a write (whose envelope then has no `data` key, note §3). */
export type RouteHandler = (context: RouteContext) => Promise<Body | undefined>;

export type RouteTable = ReadonlyArray<readonly [string, RouteHandler]>;
