/**
 * What every facet of the conformance suite shares: the runner it is given, the target under
 * test (a fresh backend and its independent backdoor), random ids, and the assertions that check
 * unified errors by code (and, through HTTP, by status).
 */
import { randomBytes } from 'node:crypto';
import type { ExpectStatic } from 'vitest';
import {
  ImBridgeError,
  isOptionSupported,
  isSupported,
  type Backend,
  type CapabilityName,
  type ChangeRecord,
  type ErrorCode,
  type RoomKind,
  type RoomRef,
} from '../spec/index.js';
import type { Backdoor } from './backdoor.js';
import type { FaultHook } from '../testing/index.js';

/** The subset of a test runner the suite uses; vitest's own functions fit it. */
export interface ConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: (context: { skip: (note?: string) => void }) => Promise<void>, timeout?: number): void;
  expect: ExpectStatic;
  beforeAll(body: () => Promise<void> | void, timeout?: number): void;
  afterAll(body: () => Promise<void> | void, timeout?: number): void;
}

/** One backend under test, fresh for each facet, with its independent read path. */
export interface ConformanceTarget {
  backend: Backend;
  backdoor: Backdoor;
  /** Every change record the backend emitted so far, in order; absent when the target cannot see them. */
  changes?: readonly ChangeRecord[];
  /** A fault hook on what the backend calls (a vendor fake's, or the native store's); the all-or-nothing facet needs it. */
  faults?: FaultHook;
  close(): Promise<void>;
}

export type TargetFactory = () => Promise<ConformanceTarget>;

export interface ConformanceOptions {
  /** Label in test names, e.g. `native/sqlite/http`. */
  name?: string;
  /** Status each unified code must arrive with through HTTP; absent = codes only (direct runs). */
  statusFor?: (code: ErrorCode) => number;
  /** Per-test timeout in ms (remote vendors are slower). Default 20 s. */
  timeoutMs?: number;
}

/**
 * A requirement a test needs: a capability, optionally with one of its options; or something the
 * target must provide (`{ target: 'changes' }`: its change records; `{ target: 'faults' }`: a fake's
 * fault hook); or a send policy (`{ sendPolicy: 'friendship' }`: direct messages need mutual
 * friendship; `'open'`: they do not).
 */
export type Requirement = CapabilityName | [CapabilityName, string] | { target: 'changes' | 'faults' } | { sendPolicy: 'friendship' | 'open' };

export interface Facet {
  runner: ConformanceRunner;
  options: ConformanceOptions;
  /** The target of the running facet; set in beforeAll. */
  target(): ConformanceTarget;
  /** Declares a test that is skipped unless the backend declares every requirement. */
  test(name: string, requirements: Requirement[], body: (target: ConformanceTarget) => Promise<void>): void;
}

/** A random id that satisfies every vendor's ID rule (lower-case letters, digits, `_`). */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function supports(target: ConformanceTarget, requirement: Requirement): boolean {
  const backend = target.backend;
  if (typeof requirement === 'string') return isSupported(backend.capabilities, requirement);
  if ('sendPolicy' in requirement) return (backend.sendPolicy?.requireFriendship === true) === (requirement.sendPolicy === 'friendship');
  if (!Array.isArray(requirement)) return target[requirement.target] !== undefined;
  return isSupported(backend.capabilities, requirement[0]) && isOptionSupported(backend.capabilities, requirement[0], requirement[1]);
}

/** Runs a facet: a describe block with a fresh target built before its tests and closed after. */
export function defineFacet(
  runner: ConformanceRunner,
  factory: TargetFactory,
  options: ConformanceOptions,
  title: string,
  body: (facet: Facet) => void,
): void {
  runner.describe(`${options.name ?? 'backend'} · ${title}`, () => {
    let current: ConformanceTarget | undefined;
    runner.beforeAll(async () => {
      current = await factory();
    }, 60_000);
    runner.afterAll(async () => {
      await current?.close();
    }, 60_000);
    const facet: Facet = {
      runner,
      options,
      target: () => {
        if (!current) throw new Error('the conformance target was not built');
        return current;
      },
      test: (name, requirements, test) => {
        runner.it(
          name,
          async (context) => {
            const target = facet.target();
            const missing = requirements.filter((requirement) => !supports(target, requirement));
            if (missing.length > 0) {
              const names = missing.map((entry) =>
                typeof entry === 'string' ? entry : Array.isArray(entry) ? entry.join(':') : 'sendPolicy' in entry ? `sendPolicy ${entry.sendPolicy}` : `target.${entry.target}`,
              );
              context.skip(`backend does not declare ${names.join(', ')}`);
              return;
            }
            await test(target);
          },
          options.timeoutMs ?? 20_000,
        );
      },
    };
    body(facet);
  });
}

/** Asserts that `promise` fails with the unified `code` (and, through HTTP, the contract's status). */
export async function expectError(facet: Facet, promise: Promise<unknown>, code: ErrorCode, status?: number): Promise<ImBridgeError> {
  const { expect } = facet.runner;
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected the call to fail with ${code}`).toBeInstanceOf(ImBridgeError);
  const error = caught as ImBridgeError & { httpStatus?: number };
  expect(error.code, error.message).toBe(code);
  if (error.httpStatus !== undefined) {
    const expected = status ?? facet.options.statusFor?.(code);
    if (expected !== undefined) expect(error.httpStatus).toBe(expected);
  }
  return error;
}

/** Registers fresh users and returns their ids. */
export async function newUsers(backend: Backend, count: number, prefix = 'u'): Promise<string[]> {
  const uids = Array.from({ length: count }, () => randomId(prefix));
  for (const uid of uids) await backend.users.put(uid, { name: `Name ${uid}` });
  return uids;
}

/**
 * Registers two users who may message each other: on a backend whose send policy requires
 * friendship they are made mutual friends first, so tests about something else (blocks,
 * conversations) run on it too.
 */
export async function messagingPair(backend: Backend, prefix = 'u'): Promise<[string, string]> {
  const [a, b] = await newUsers(backend, 2, prefix);
  if (backend.sendPolicy?.requireFriendship) await backend.friends.put(a!, b!, {});
  return [a!, b!];
}

/** Creates a room owned by `owner` with `members`, returning its reference (a vendor may choose the id). */
export async function newRoom(backend: Backend, kind: RoomKind, owner: string, members: string[] = []): Promise<RoomRef> {
  const capability = kind === 'group' ? 'groups.create' : 'chatrooms.create';
  const name = `Room ${randomId('r')}`;
  if (!isOptionSupported(backend.capabilities, capability, 'id')) {
    const room = await backend.rooms.create(kind, { name, owner, members });
    return { kind, id: room.id };
  }
  const id = randomId(kind === 'group' ? 'g' : 'c');
  await backend.rooms.create(kind, { id, name, owner, members });
  return { kind, id };
}

export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

export const ROOM_KINDS: ReadonlyArray<{ kind: RoomKind; prefix: 'groups' | 'chatrooms' }> = [
  { kind: 'group', prefix: 'groups' },
  { kind: 'chatroom', prefix: 'chatrooms' },
];

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
