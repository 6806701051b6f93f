/**
 * All-or-nothing: a change that takes several vendor calls either happens whole, is undone whole,
 * or fails with PARTIAL_FAILURE naming each side's state — whichever vendor call fails. For each
 * multi-call change the facet first counts the vendor calls one clean run makes, then, on fresh
 * users, makes the k-th call fail (for every k: a 500 long enough to outlast the retries) and
 * reads the result through the backdoor. Needs a target with a fault hook (`faults`): a vendor
 * fake's, or the native store's statement hook.
 */
import { ImBridgeError, type Backend, type RoomKind } from '../../spec/index.js';
import type { Backdoor } from '../backdoor.js';
import {
  defineFacet,
  newRoom,
  newUsers,
  randomId,
  sorted,
  type ConformanceOptions,
  type ConformanceRunner,
  type ConformanceTarget,
  type Requirement,
  type TargetFactory,
} from '../suite-context.js';

type Observed = 'before' | 'after' | 'neither';

interface MultiCallChange {
  name: string;
  requirements: Requirement[];
  /** Builds fresh state for one run; returns what `run` and `observe` need. */
  setup(backend: Backend): Promise<Record<string, string>>;
  run(backend: Backend, ids: Record<string, string>): Promise<unknown>;
  /** Whether the backdoor shows the state before the change, after it, or something else. */
  observe(backdoor: Backdoor, ids: Record<string, string>): Promise<Observed>;
}

function classify(isBefore: boolean, isAfter: boolean): Observed {
  if (isAfter) return 'after';
  if (isBefore) return 'before';
  return 'neither';
}

async function lists(backdoor: Backdoor, uid: string, other: string): Promise<boolean> {
  return (await backdoor.friends(uid)).some((entry) => entry.friend === other);
}

async function roomWithId(backend: Backend, kind: RoomKind, owner: string, members: string[]): Promise<string> {
  return (await newRoom(backend, kind, owner, members)).id;
}

const CHANGES: MultiCallChange[] = [
  {
    name: 'friends.put (mutual)',
    requirements: ['friends.put'],
    setup: async (backend) => {
      const [a, b] = await newUsers(backend, 2);
      return { a: a!, b: b! };
    },
    run: (backend, { a, b }) => backend.friends.put(a!, b!, { alias: 'al' }),
    observe: async (backdoor, { a, b }) => {
      const [ab, ba] = [await lists(backdoor, a!, b!), await lists(backdoor, b!, a!)];
      return classify(!ab && !ba, ab && ba);
    },
  },
  {
    name: 'friends.remove (mutual)',
    requirements: ['friends.put', 'friends.remove'],
    setup: async (backend) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, { alias: 'al' });
      return { a: a!, b: b! };
    },
    run: (backend, { a, b }) => backend.friends.remove(a!, b!, 'mutual'),
    observe: async (backdoor, { a, b }) => {
      const [ab, ba] = [await lists(backdoor, a!, b!), await lists(backdoor, b!, a!)];
      return classify(ab && ba, !ab && !ba);
    },
  },
  {
    name: 'friendRequests.accept',
    requirements: ['friendRequests.send', 'friendRequests.accept'],
    setup: async (backend) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friendRequests.send(a!, b!, null);
      return { a: a!, b: b! };
    },
    run: (backend, { a, b }) => backend.friendRequests.accept(b!, a!),
    observe: async (backdoor, { a, b }) => {
      const [ab, ba, pending] = [await lists(backdoor, a!, b!), await lists(backdoor, b!, a!), await backdoor.pendingRequest(a!, b!)];
      return classify(!ab && !ba && pending, ab && ba && !pending);
    },
  },
  {
    name: 'users.whitelist.replace',
    requirements: ['users.whitelist.replace'],
    setup: async (backend) => {
      const [a, b, c, d] = await newUsers(backend, 4);
      await backend.userWhitelist.replace(a!, [b!]);
      return { a: a!, b: b!, c: c!, d: d! };
    },
    run: (backend, { a, c, d }) => backend.userWhitelist.replace(a!, [c!, d!]),
    observe: async (backdoor, { a, b, c, d }) => {
      const list = sorted(await backdoor.userWhitelist(a!));
      return classify(list.join() === b, list.join() === sorted([c!, d!]).join());
    },
  },
  {
    name: 'groups.whitelist.replace',
    requirements: ['groups.create', 'groups.whitelist.replace', 'groups.whitelist.add'],
    setup: async (backend) => {
      const [owner, a, b, c] = await newUsers(backend, 4);
      const id = await roomWithId(backend, 'group', owner!, [a!, b!, c!]);
      await backend.rooms.whitelist.add({ kind: 'group', id }, [a!]);
      return { id, a: a!, b: b!, c: c! };
    },
    run: (backend, { id, b, c }) => backend.rooms.whitelist.replace({ kind: 'group', id: id! }, [b!, c!]),
    observe: async (backdoor, { id, a, b, c }) => {
      const list = sorted(await backdoor.roomWhitelist('group', id!));
      return classify(list.join() === a, list.join() === sorted([b!, c!]).join());
    },
  },
  {
    name: 'groups.create with members',
    requirements: [['groups.create', 'id']],
    setup: async (backend) => {
      const [owner, a, b] = await newUsers(backend, 3);
      return { id: randomId('g'), owner: owner!, a: a!, b: b! };
    },
    run: (backend, { id, owner, a, b }) => backend.rooms.create('group', { id: id!, name: 'All or nothing', owner: owner!, members: [a!, b!] }),
    observe: async (backdoor, { id, owner, a, b }) => {
      const room = await backdoor.room('group', id!);
      if (room === null) return 'before';
      const members = sorted((await backdoor.members('group', id!)).map((member) => member.uid));
      return classify(false, members.join() === sorted([owner!, a!, b!]).join());
    },
  },
];

/** The fault every step gets in turn: a 500 for three calls in a row, outlasting the test retries (a store fails the call). */
function failCall(target: ConformanceTarget, nth: number): void {
  target.faults!.addFault({ route: '*', nth, times: 3, kind: 'status', status: 500, body: '' });
}

export function allOrNothingFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'all-or-nothing', (facet) => {
    const { expect } = runner;
    for (const change of CHANGES) {
      facet.test(`${change.name}: a failure at any call it makes (vendor or store) leaves it whole, undone, or PARTIAL_FAILURE`, [{ target: 'faults' }, ...change.requirements], async (target) => {
        const { backend, backdoor } = target;
        const faults = target.faults!;
        faults.clearFaults();
        // One clean run: how many vendor calls the change makes.
        const clean = await change.setup(backend);
        const start = faults.requests.length;
        await change.run(backend, clean);
        const calls = faults.requests.length - start;
        expect(await change.observe(backdoor, clean)).toBe('after');
        const outcomes: string[] = [];
        for (let nth = 1; nth <= calls; nth += 1) {
          const ids = await change.setup(backend);
          failCall(target, nth);
          let failure: unknown;
          try {
            await change.run(backend, ids);
          } catch (error) {
            failure = error;
          } finally {
            faults.clearFaults();
          }
          const observed = await change.observe(backdoor, ids);
          const label = `${change.name}, call ${nth} of ${calls} failing`;
          if (failure === undefined) {
            expect(observed, `${label}: answered success`).toBe('after');
            outcomes.push('applied');
            continue;
          }
          expect(ImBridgeError.is(failure), `${label}: ${String(failure)}`).toBe(true);
          const error = failure as ImBridgeError;
          if (error.code === 'PARTIAL_FAILURE') {
            const steps = error.details?.steps as Array<{ step: string; state: string }> | undefined;
            expect(Array.isArray(steps) && steps.length > 0, `${label}: PARTIAL_FAILURE names its steps`).toBe(true);
            for (const step of steps!) expect(['applied', 'not-applied', 'unknown'], label).toContain(step.state);
            if (steps!.every((step) => step.state === 'not-applied')) expect(observed, label).toBe('before');
            if (steps!.every((step) => step.state === 'applied')) expect(observed, label).toBe('after');
            outcomes.push('partial');
            continue;
          }
          expect(observed, `${label}: failed with ${error.code}`).toBe('before');
          outcomes.push('undone');
        }
        // The change must have been tried with a fault at each of its calls.
        expect(outcomes.length).toBe(calls);
      });
    }
  });
}
