/**
 * What WuKongIM has no field for, kept in the vendor all the same: as entries of the whitelist of
 * a metadata channel (`ids.ts`), one entry per fact. Whitelist rows take any string as "uid"
 * (only the channel id is checked, note §3) and are read back with one `GET /channel/whitelist`.
 * Text values are base64url so that any name fits; uids are kept as they are.
 *
 * User metadata (`~u~<uid>`): `registered`, `name:<b64>`, `extra:<b64>`,
 *   `alias:<friend>:<b64>`, `fextra:<friend>:<b64>` (the user's view of a friend).
 * Room metadata (`~g~<id>`): `room:<b64 name>` (the room exists), `owner:<uid>`,
 *   `admin:<uid>`, `wl:<uid>` (room whitelist), `ban:<uid>` (room blocklist).
 */

export function encodeText(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function decodeText(value: string): string {
  return Buffer.from(value, 'base64url').toString('utf8');
}

export interface FriendView {
  alias: string | null;
  extra: string | null;
  /** The raw entries holding this view (to remove them). */
  entries: string[];
}

export interface UserMetadata {
  registered: boolean;
  name: string | null;
  extra: string | null;
  nameEntry: string | null;
  extraEntry: string | null;
  friends: Map<string, FriendView>;
}

/** Splits `prefix:<uid>:<b64>`; the uid may hold `:`, base64url never does. */
function splitFriendEntry(rest: string): [string, string] | null {
  const at = rest.lastIndexOf(':');
  if (at <= 0) return null;
  return [rest.slice(0, at), rest.slice(at + 1)];
}

export function parseUserMetadata(entries: readonly string[]): UserMetadata {
  const metadata: UserMetadata = { registered: false, name: null, extra: null, nameEntry: null, extraEntry: null, friends: new Map() };
  const view = (friend: string): FriendView => {
    let found = metadata.friends.get(friend);
    if (!found) {
      found = { alias: null, extra: null, entries: [] };
      metadata.friends.set(friend, found);
    }
    return found;
  };
  for (const entry of entries) {
    if (entry === 'registered') metadata.registered = true;
    else if (entry.startsWith('name:')) {
      metadata.name = decodeText(entry.slice(5));
      metadata.nameEntry = entry;
    } else if (entry.startsWith('extra:')) {
      metadata.extra = decodeText(entry.slice(6));
      metadata.extraEntry = entry;
    } else if (entry.startsWith('alias:') || entry.startsWith('fextra:')) {
      const isAlias = entry.startsWith('alias:');
      const parts = splitFriendEntry(entry.slice(isAlias ? 6 : 7));
      if (!parts) continue;
      const friendView = view(parts[0]);
      if (isAlias) friendView.alias = decodeText(parts[1]);
      else friendView.extra = decodeText(parts[1]);
      friendView.entries.push(entry);
    }
  }
  return metadata;
}

export const userEntries = {
  registered: 'registered',
  name: (name: string) => `name:${encodeText(name)}`,
  extra: (extra: string) => `extra:${encodeText(extra)}`,
  alias: (friend: string, alias: string) => `alias:${friend}:${encodeText(alias)}`,
  friendExtra: (friend: string, extra: string) => `fextra:${friend}:${encodeText(extra)}`,
};

export interface RoomMetadata {
  name: string;
  owner: string;
  admins: Set<string>;
  whitelist: Set<string>;
  bans: Set<string>;
  /** Every raw entry, to restore the metadata on an undo. */
  entries: string[];
}

/** Null when the room does not exist (no `room:` or no `owner:` entry). */
export function parseRoomMetadata(entries: readonly string[]): RoomMetadata | null {
  let name: string | null = null;
  let owner: string | null = null;
  const admins = new Set<string>();
  const whitelist = new Set<string>();
  const bans = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('room:')) name = decodeText(entry.slice(5));
    else if (entry.startsWith('owner:')) owner = entry.slice(6);
    else if (entry.startsWith('admin:')) admins.add(entry.slice(6));
    else if (entry.startsWith('wl:')) whitelist.add(entry.slice(3));
    else if (entry.startsWith('ban:')) bans.add(entry.slice(4));
  }
  if (name === null || owner === null) return null;
  return { name, owner, admins, whitelist, bans, entries: [...entries] };
}

export const roomEntries = {
  room: (name: string) => `room:${encodeText(name)}`,
  owner: (uid: string) => `owner:${uid}`,
  admin: (uid: string) => `admin:${uid}`,
  whitelist: (uid: string) => `wl:${uid}`,
  ban: (uid: string) => `ban:${uid}`,
};
