/**
 * The error codes one `/v1` operation can answer, derived from its route table entry wherever the
 * table knows (what it requires, which ids it takes, whether it is idempotent), plus the domain
 * codes the entry lists itself (`errors`). The OpenAPI document publishes them per status, and
 * the fuzz test holds every answer to them.
 */
import { CAPABILITY_OPTIONS, ERROR_CODES, type ErrorCode } from '../spec/index.js';
import { apiSchema } from '../schemas/load-schemas.js';
import { httpStatusFor } from './error-status.js';
import { ImBridgeError } from '../spec/index.js';
import type { RouteDefinition } from './routes.js';

/** What any authenticated `/v1` call may answer, before or after its backend is asked. */
export const COMMON_ERROR_CODES: readonly ErrorCode[] = [
  // Malformed JSON, hostile input and a bad query are caught before any route-specific check.
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'FORBIDDEN_BACKEND',
  'BACKEND_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
];

/** What a call that reaches a vendor may answer when the vendor fails. */
export const UPSTREAM_ERROR_CODES: readonly ErrorCode[] = ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_AUTH', 'RATE_LIMITED'];

function capabilityNames(route: RouteDefinition): string[] {
  if ('user' in route.capability) return [route.capability.user];
  return [`groups.${route.capability.room}`, `chatrooms.${route.capability.room}`];
}

/** Whether a `$defs` entry (or what it refers to) holds an id, so an id rule can refuse it. */
function holdsIds(definition: string): boolean {
  const definitions = (apiSchema().$defs ?? {}) as Record<string, unknown>;
  const seen = new Set<string>();
  const visit = (name: string): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    if (name === 'Id' || name === 'Uids') return true;
    const text = JSON.stringify(definitions[name] ?? {});
    if (/"uids"\s*:/.test(text)) return true;
    return [...text.matchAll(/#\/\$defs\/(\w+)/g)].some((match) => visit(match[1]!));
  };
  return visit(definition);
}

export function errorCodesFor(route: RouteDefinition): ErrorCode[] {
  const codes = new Set<ErrorCode>([...COMMON_ERROR_CODES, ...UPSTREAM_ERROR_CODES]);
  // Every operation requires a capability a backend may declare false.
  codes.add('UNSUPPORTED');
  if (capabilityNames(route).some((name) => name in CAPABILITY_OPTIONS)) codes.add('UNSUPPORTED_OPTION');
  if (route.idParams.length > 0 || holdsIds(route.body) || holdsIds(route.query)) codes.add('INVALID_ID');
  // Users named in the path or the body (an owner, a sender, a whitelist) must be registered.
  if (route.idParams.some((name) => name !== 'id') || holdsIds(route.body)) codes.add('USER_NOT_FOUND');
  if (route.idParams.includes('id')) codes.add('GROUP_NOT_FOUND');
  // A room call about particular users refuses a non-member (a whitelist replace, a mute, a role).
  if (route.idParams.includes('id') && (route.idParams.includes('uid') || holdsIds(route.body))) codes.add('NOT_MEMBER');
  if (route.idempotent) codes.add('IDEMPOTENCY_MISMATCH');
  // A write spanning several vendor calls can fail half-way with its compensation failing too.
  if (route.method !== 'GET') codes.add('PARTIAL_FAILURE');
  for (const code of route.errors ?? []) codes.add(code);
  return ERROR_CODES.filter((code) => codes.has(code));
}

/** The codes by the HTTP status they are answered with on this route. */
export function errorCodesByStatus(route: RouteDefinition): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesFor(route)) {
    const status = httpStatusFor(new ImBridgeError(code, code), { friendshipEntry: route.friendshipEntry === true });
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}
