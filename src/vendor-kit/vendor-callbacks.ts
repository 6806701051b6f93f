/**
 * What a vendor folder's `callbacks/` part gives the host: it reads one HTTP callback in the
 * vendor's own format (`POST /callbacks/<vendor>`), checks the vendor's own signature or token,
 * and answers which unified changes it reports and what the vendor expects back.
 */
import type { ChangeType } from '../spec/index.js';

/** A change a vendor callback reported, in unified ids and the event vocabulary. */
export interface IngestedChange {
  type: ChangeType;
  target: Record<string, string>;
  /** Who made the change, when the callback says. */
  actor: string | null;
  after: unknown;
  /** The vendor's own time of the change, when its callback carries one. */
  time?: string;
}

export interface CallbackRequest {
  /** The path after `/callbacks/<vendor>[/<backend>]`, e.g. `/callbackAfterAddFriendCommand`; `''` when none. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  rawBody: string;
  /** `rawBody` parsed as JSON; undefined when it is not JSON. */
  body: unknown;
}

/** `events.callbacks.<backend>` in the config: the secret the vendor signs with, or a token the callback URL carries. */
export interface CallbackCredentials {
  secret?: string;
  token?: string;
}

export interface CallbackResult {
  changes: IngestedChange[];
  /** What the vendor expects as the answer (its own envelope). */
  reply: { status: number; body: unknown };
}

export interface VendorCallbacks {
  /**
   * Reads one callback. Throws an ImBridgeError (UNAUTHENTICATED for a bad signature or token,
   * INVALID_ARGUMENT for a body that is not the vendor's format) to refuse it.
   */
  read(request: CallbackRequest, credentials: CallbackCredentials, block: Record<string, unknown>): CallbackResult;
}
