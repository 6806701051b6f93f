/**
 * Small Backend-spec helpers the route files share: WuKongIM's
 * implicit users, and the "not there" errors a vendor call would have answered 200 for.
 */
import { ImBridgeError, type Backend, type BatchResult } from '../../../src/spec/index.js';


export function isCode(error: unknown, ...codes: string[]): boolean {
  return ImBridgeError.is(error) && codes.includes(error.code);
}

/** The value of `call`, or `fallback` when it fails with one of `codes`. */
export async function unless<T>(call: Promise<T>, codes: readonly string[], fallback: T): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isCode(error, ...codes)) return fallback;
    throw error;
  }
}

/**
 * WuKongIM has no user registry: any uid may appear in a list, a channel or a message. The
 * unified backends do (USER_NOT_FOUND), so a write names its users into existence first — a
 * registration without a name, the state `/user/token` creates too.
 */
export async function ensureUsers(backend: Backend, uids: readonly string[]): Promise<void> {
  for (const uid of new Set(uids)) {
    try {
      await backend.users.get(uid);
    } catch (error) {
      if (!isCode(error, 'USER_NOT_FOUND')) throw error;
      await backend.users.put(uid, {});
    }
  }
}

/** Throws the first failed item of a batch (the vendor's list calls are all-or-nothing answers). */
export function throwFirstFailure(result: BatchResult): void {
  const failed = result.results.find((item) => !item.ok);
  if (failed?.error) throw new ImBridgeError(failed.error.code as ImBridgeError['code'], failed.error.message);
}
