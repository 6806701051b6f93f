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
  const offeredKey = match[1]!.trim();
  const offered = digest(offeredKey);
  let found: ApiKeyConfig | undefined;
  // Every key is compared, so the time taken does not tell which key (if any) matched.
  for (const entry of apiKeys) {
    if (timingSafeEqual(offered, digest(entry.key)) && found === undefined) found = entry;
  }
  if (!found) throw new ImBridgeError('UNAUTHENTICATED', 'the API key is not valid');
  return { name: found.name, identity: createHash('sha256').update(`imbridge-caller:${offeredKey}`).digest('hex').slice(0, 32), backends: found.backends };
}
