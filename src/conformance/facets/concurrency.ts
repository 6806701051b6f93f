/**
 * Concurrency: overlapping writes end in a state some serial order of them would reach, and a
 * write made after they settle is the one read back. Vendors cannot make a multi-call change
 * atomic nor a read-modify-write of their state safe, so without serialization two friend calls
 * on one pair leave it one-sided, and a later rename answers 200 while another name is stored.
 * `rounds` (option `concurrencyRounds`, default 20) repeats each race on fresh ids.
 */
import { defineFacet, expectError, newRoom, newUsers, randomId, ROOM_KINDS, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export interface ConcurrencyOptions extends ConformanceOptions {
  /** How many times each race runs, on fresh users. Default 20. */
  concurrencyRounds?: number;
}

const PARALLEL = 6;

export function concurrencyFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConcurrencyOptions = {}): void {
  const rounds = options.concurrencyRounds ?? 20;
  defineFacet(runner, factory, { ...options, timeoutMs: options.timeoutMs ?? 60_000 }, 'concurrency', (facet) => {
    const { expect } = runner;

    facet.test(`friend PUT/DELETE storms on one pair end on both sides or neither (${rounds} rounds)`, ['friends.put', 'friends.remove'], async ({ backend, backdoor }) => {
      for (let round = 0; round < rounds; round += 1) {
        const [a, b] = await newUsers(backend, 2);
        const calls = Array.from({ length: PARALLEL }, (_, index) =>
          index % 2 === 0 ? backend.friends.put(index % 4 === 0 ? a! : b!, index % 4 === 0 ? b! : a!, {}) : backend.friends.remove(a!, b!, 'mutual'),
        );
        // PUT (mutual) and DELETE are idempotent, so every call succeeds whatever order the
        // vendor saw them in; a spurious error is a lost update (review C-6).
        const failures = (await Promise.allSettled(calls)).filter((result) => result.status === 'rejected');
        expect(failures.map((result) => String((result as PromiseRejectedResult).reason)), `round ${round}`).toEqual([]);
        const ab = (await backdoor.friends(a!)).some((entry) => entry.friend === b);
        const ba = (await backdoor.friends(b!)).some((entry) => entry.friend === a);
        expect(ab, `round ${round}: ${a} lists ${b} but not the reverse, or the reverse`).toBe(ba);
      }
    });

    facet.test(`parallel renames, then one more: the last is read back (${rounds} rounds)`, ['users.put', 'users.get'], async ({ backend, backdoor }) => {
      for (let round = 0; round < rounds; round += 1) {
        const uid = randomId('u');
        await backend.users.put(uid, { name: 'start' });
        await Promise.all(Array.from({ length: PARALLEL }, (_, index) => backend.users.put(uid, { name: `n${index}` })));
        await backend.users.put(uid, { name: 'final' });
        expect((await backend.users.get(uid)).name, `round ${round}`).toBe('final');
        expect((await backdoor.user(uid))?.name, `round ${round}`).toBe('final');
      }
    });

    facet.test(`parallel alias changes, then one more: the last is read back (${rounds} rounds)`, ['friends.put', 'friends.update', 'friends.get'], async ({ backend }) => {
      for (let round = 0; round < rounds; round += 1) {
        const [a, b] = await newUsers(backend, 2);
        await backend.friends.put(a!, b!, {});
        await Promise.all(Array.from({ length: PARALLEL }, (_, index) => backend.friends.update(a!, b!, { alias: `x${index}` })));
        await backend.friends.update(a!, b!, { alias: 'final' });
        expect((await backend.friends.get(a!, b!)).alias, `round ${round}`).toBe('final');
      }
    });

    for (const { kind, prefix } of ROOM_KINDS) {
      const toRoom = kind === 'group' ? 'toGroup' : 'toChatroom';
      facet.test(
        `${kind}: parallel mute-all, whitelist add and role change: the whitelisted and the admin may send, others are MUTED (${rounds} rounds)`,
        [`${prefix}.create`, `${prefix}.muteAll.set`, `${prefix}.whitelist.add`, `${prefix}.members.setRole`, ['messages.send', toRoom]],
        async ({ backend }) => {
          for (let round = 0; round < rounds; round += 1) {
            const [owner, listed, admin, plain] = await newUsers(backend, 4);
            const ref = await newRoom(backend, kind, owner!, [listed!, admin!, plain!]);
            // The three writes all rebuild the room's vendor-side lists from a read of them.
            await Promise.all([backend.rooms.setMuteAll(ref, true), backend.rooms.whitelist.add(ref, [listed!]), backend.rooms.members.setRole(ref, admin!, 'admin')]);
            const send = (from: string) => backend.messages.send({ from, to: { type: kind, id: ref.id }, text: `round ${round}` });
            await send(listed!);
            await send(admin!);
            await expectError(facet, send(plain!), 'MUTED', 403);
          }
        },
      );

      facet.test(
        `${kind}: parallel add and remove of one member end as some serial order left them (${rounds} rounds)`,
        [`${prefix}.create`, `${prefix}.members.add`, `${prefix}.members.remove`, `${prefix}.members.list`],
        async ({ backend, backdoor }) => {
          for (let round = 0; round < rounds; round += 1) {
            const [owner, member, other] = await newUsers(backend, 3);
            const ref = await newRoom(backend, kind, owner!, [other!]);
            const calls = Array.from({ length: PARALLEL }, (_, index) => (index % 2 === 0 ? backend.rooms.members.add(ref, [member!]) : backend.rooms.members.remove(ref, [member!])));
            // Adding a present member and removing an absent one are successes (idempotent), so
            // every call and every item answers ok whatever order the vendor saw them in.
            const results = await Promise.all(calls);
            expect(results.flatMap((result) => result.results.filter((item) => !item.ok).map((item) => item.error?.code)), `round ${round}`).toEqual([]);
            const stored = sorted((await backdoor.members(kind, ref.id)).map((entry) => entry.uid));
            const listed = sorted((await backend.rooms.members.list(ref, {})).items.map((entry) => entry.uid));
            // Some serial order: the member is in or out, everyone else untouched, and both reads agree.
            expect([sorted([owner!, other!]), sorted([owner!, other!, member!])], `round ${round}`).toContainEqual(stored);
            expect(listed, `round ${round}`).toEqual(stored);
          }
        },
      );
    }

    facet.test(`overlapping register batches all succeed (${rounds} rounds)`, ['users.batchPut', 'users.get'], async ({ backend }) => {
      for (let round = 0; round < rounds; round += 1) {
        const uids = Array.from({ length: 4 }, () => randomId('u'));
        const batches = [uids.slice(0, 3), uids.slice(1, 4), uids.slice(0, 2).concat(uids[3]!), uids];
        const results = await Promise.all(batches.map((batch) => backend.users.putMany(batch.map((uid) => ({ uid, name: `Name ${uid}` })))));
        for (const result of results) {
          expect(result.results.filter((item) => !item.ok), `round ${round}`).toEqual([]);
        }
        for (const uid of uids) expect((await backend.users.get(uid)).uid).toBe(uid);
      }
    });
  });
}
