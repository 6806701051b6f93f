/**
 * API-key auth. Keys are compared in constant time (through fixed-length digests, so neither the
 * content nor the length of a key leaks through timing). With no keys configured the server is
 * reachable from loopback only, and this check refuses any other peer as a second line.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ImBridgeError } from '../spec/index.js';
import type { ApiKeyConfig } from '../config/config-types.js';

export interface Caller {
  /** The key's label (never the key). `loopback` when no keys are configured. */
  name: string;
  /** Identifies the key itself (a digest, never the key): labels may repeat, scopes must not. */
  identity: string;
  backends: string[];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Per configured key, worked out once: its digest for the comparison and the caller it stands for. */
const KNOWN = new WeakMap<ApiKeyConfig, { digest: Buffer; caller: Caller }>();

function known(entry: ApiKeyConfig): { digest: Buffer; caller: Caller } {
  let found = KNOWN.get(entry);
  if (!found) {
    const identity = createHash('sha256').update(`imbridge-caller:${entry.key}`).digest('hex').slice(0, 32);
    found = { digest: digest(entry.key), caller: { name: entry.name, identity, backends: entry.backends } };
    KNOWN.set(entry, found);
  }
  return found;
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function authenticate(request: IncomingMessage, apiKeys: readonly ApiKeyConfig[]): Caller {
  if (apiKeys.length === 0) {
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      throw new ImBridgeError('UNAUTHENTICATED', 'no API keys are configured, so only loopback clients are served');
    }
    return { name: 'loopback', identity: 'loopback', backends: ['*'] };
  }
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw new ImBridgeError('UNAUTHENTICATED', 'send the API key as "Authorization: Bearer <key>"');
  const offered = digest(match[1]!.trim());
  let found: Caller | undefined;
  // Every key is compared, so the time taken does not tell which key (if any) matched.
  for (const entry of apiKeys) {
    const candidate = known(entry);
    if (timingSafeEqual(offered, candidate.digest) && found === undefined) found = candidate.caller;
  }
  if (!found) throw new ImBridgeError('UNAUTHENTICATED', 'the API key is not valid');
  return found;
}
