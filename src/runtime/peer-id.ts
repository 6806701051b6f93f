/**
 * The unified API takes a conversation peer as its bare id. Vendor composites (an `a@b`
 * person-channel id, an `si_a_b` / `sg_g` conversation id) are refused with a message saying what to
 * pass — but only when the id names no existing user or room: an existing id always wins.
 */
import { ImBridgeError, InvalidIdError, type Backend, type PeerType } from '../spec/index.js';

export function looksLikeCompositePeerId(uid: string, peerId: string): boolean {
  return peerId.startsWith(`${uid}@`) || peerId.endsWith(`@${uid}`) || /^s[ig]_/.test(peerId);
}

export function compositePeerIdError(uid: string, type: PeerType, peerId: string): InvalidIdError {
  const what = type === 'user' ? "the peer's bare user id" : "the room's bare id";
  return new InvalidIdError(`"${peerId}" looks like a vendor conversation id; pass ${what} instead (for example "bob", not "${uid}@bob" or "si_${uid}_bob")`, {
    details: { peerId },
  });
}

/** Refuses a vendor-composite peer id that names no existing user or room (docs/api.md, Conversations). */
export async function refuseCompositePeerId(backend: Backend, uid: string, type: PeerType, peerId: string): Promise<void> {
  if (!looksLikeCompositePeerId(uid, peerId)) return;
  try {
    if (type === 'user') await backend.users.get(peerId);
    else await backend.rooms.get({ kind: type, id: peerId });
  } catch (error) {
    // A backend with a stricter ID rule refuses the composite as INVALID_ID: it names nothing there either.
    if (!(error instanceof ImBridgeError) || !['USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'UNSUPPORTED', 'INVALID_ID'].includes(error.code)) throw error;
    throw compositePeerIdError(uid, type, peerId);
  }
}
