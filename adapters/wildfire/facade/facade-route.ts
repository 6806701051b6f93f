/**
 * One translated Wildfire admin route: its path, whether only the pro edition has it, and the
 * action that runs a Gson-read body on the selected Backend and returns the vendor's envelope.
 * Unified errors thrown by an action are turned into the vendor's answer by `errors.ts`.
 */
import type { Backend } from '../../../src/spec/index.js';
import type { Answer, Json } from '../protocol/wire.js';

export interface FacadeRoute {
  path: string;
  /** Implemented by Wildfire's pro edition only: a community facade answers HTTP 500, empty body, as the server does. */
  pro: boolean;
  run(body: Json, backend: Backend): Promise<Answer>;
}

export function route(path: string, run: FacadeRoute['run'], options: { pro?: boolean } = {}): FacadeRoute {
  return { path, pro: options.pro ?? false, run };
}
