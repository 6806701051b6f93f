/**
 * Cost growth: how an adapter's read costs grow with the size of a user's friend list, on each
 * vendor fake. Two users a and b are friends; both get 10, then 1,000, then 10,000 friends (the
 * extra ones written straight into the fake's state, as the vendor would hold them), and at each
 * size the bench times `relations.get(a, b)`, a direct send a → b (its policy check reads the
 * relation first) and one page of a's friends. The fake runs in this process: the ratio between
 * sizes is what matters, and it is the vendor's list size that moves it.
 *
 *   node --import tsx bench/cost-growth.ts   (also run by `npm run bench`)
 * Environment: BENCH_GROWTH_SAMPLES (default 500: the most samples per measurement; at least 20,
 * and no more than fit in 2 s once 20 are taken), BENCH_GROWTH_VENDORS (default every fake).
 */
import { validateConfig } from '../src/config/load-config.js';
import { createBackends } from '../src/server/create-backends.js';
import { createLogger } from '../src/server/create-logger.js';
import { guardBackend } from '../src/runtime/index.js';
import type { Backend } from '../src/spec/index.js';
import { findVendor } from '../adapters/index.js';
import { percentile } from './load.js';

const SAMPLES = Number(process.env.BENCH_GROWTH_SAMPLES ?? 500);
const MIN_SAMPLES = Math.min(SAMPLES, 20);
const TIME_BUDGET_MS = 2_000;
const WARM_UP_MS = 300;
const SIZES = [10, 1_000, 10_000] as const;
const VENDORS = (process.env.BENCH_GROWTH_VENDORS ?? 'wukongim,openim,agora,wildfire').split(',');

/** A deep copy of `value` with every string equal to `from` replaced by `to`. */
function cloneReplacing<T>(value: T, from: string, to: string): T {
  const clone = (item: unknown): unknown => {
    if (item === from) return to;
    if (item === null || typeof item !== 'object') return item;
    if (Array.isArray(item)) return item.map(clone);
    if (item instanceof Map) return new Map([...item].map(([key, inner]) => [clone(key), clone(inner)]));
    if (item instanceof Set) return new Set([...item].map(clone));
    if (Object.getPrototypeOf(item) !== Object.prototype) return item;
    return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, clone(inner)]));
  };
  return clone(value) as T;
}

/**
 * Server settings the bench gives a fake. Wildfire's admin API takes 10,000 calls per 10 s by
 * default (`http.admin.rate_limit`, one bucket), which a few thousand timed reads in a row exceed:
 * the bench measures what a read costs, so its server is set as a deployment under load would be.
 */
const FAKE_OPTIONS: Record<string, Record<string, unknown>> = { wildfire: { rateLimit: 1_000_000 } };

type Lists = Map<string, Map<string, unknown>>;

/** Copies `owner`'s entry for `template` (a friend) to each of `uids`, and the user too where the fake keeps one. */
type Seeder = (state: Record<string, unknown>, owner: string, template: string, uids: readonly string[]) => void;

const copyEntries = (list: Map<string, unknown> | undefined, template: string, uids: readonly string[]) => {
  const entry = list?.get(template);
  if (list === undefined || entry === undefined) throw new Error(`no entry for ${template} to copy`);
  for (const uid of uids) list.set(uid, cloneReplacing(entry, template, uid));
};
const copyUsers = (users: Map<string, unknown>, template: string, uids: readonly string[]) => {
  const user = users.get(template);
  if (user === undefined) throw new Error(`no user ${template} to copy`);
  for (const uid of uids) if (!users.has(uid)) users.set(uid, cloneReplacing(user, template, uid));
};

const SEEDERS: Record<string, Seeder> = {
  // A friendship is a person channel's whitelist entry (adapter README, note §5).
  wukongim: (state, owner, template, uids) => {
    const channel = (state as { channel(id: string, type: number): { whitelist: Map<string, unknown> } | undefined }).channel(owner, 1);
    copyEntries(channel?.whitelist, template, uids);
  },
  openim: (state, owner, template, uids) => {
    copyUsers(state.users as Map<string, unknown>, template, uids);
    copyEntries((state.friends as Lists).get(owner), template, uids);
  },
  agora: (state, owner, template, uids) => {
    copyUsers(state.users as Map<string, unknown>, template, uids);
    copyEntries((state.contacts as Lists).get(owner), template, uids);
  },
  wildfire: (state, owner, template, uids) => {
    copyUsers(state.users as Map<string, unknown>, template, uids);
    copyEntries((state.friends as Lists).get(owner), template, uids);
  },
};

export interface GrowthRow {
  vendor: string;
  operation: string;
  /** p50 in ms per friend-list size. */
  p50: Record<(typeof SIZES)[number], number>;
}

/**
 * The p50 of `call`, sampled for up to TIME_BUDGET_MS after a warm-up: at least MIN_SAMPLES
 * and at most SAMPLES. A fixed count of 60 left a millisecond-fast call's p50 at the mercy of one
 * garbage collection (the Agora friends page read 0.81 / 0.72 / 1.43 ms for 10 / 1,000 / 10,000
 * friends in one run, 1.64 / 0.84 / 1.09 and 1.23 / 0.74 / 1.03 in the next two); a call that
 * takes 300 ms still gets its MIN_SAMPLES, far beyond the budget, because its ratio is not close.
 */
async function timed(call: () => Promise<unknown>): Promise<number> {
  // Warmed for a while, not 5 calls: the first size measured would otherwise pay the JIT's
  // warm-up and a list's growth would hide behind it.
  const warmUntil = performance.now() + WARM_UP_MS;
  for (let warmed = 0; warmed < 5 || (warmed < SAMPLES && performance.now() < warmUntil); warmed += 1) await call();
  const times: number[] = [];
  const until = performance.now() + TIME_BUDGET_MS;
  while (times.length < MIN_SAMPLES || (times.length < SAMPLES && performance.now() < until)) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return percentile(times, 0.5);
}

async function measureVendor(vendor: string): Promise<GrowthRow[]> {
  const module = findVendor(vendor);
  const seeder = SEEDERS[vendor];
  if (!module?.fake || !seeder) throw new Error(`no fake or seeder for "${vendor}"`);
  const fake = await module.fake.start({ port: 0, ...FAKE_OPTIONS[vendor] });
  const state = (fake as unknown as { state: Record<string, unknown> }).state;
  let backend: Backend | undefined;
  try {
    const config = validateConfig({ defaultBackend: 'v', backends: { v: fake.backendConfig } }, {});
    backend = guardBackend((await createBackends(config.backends, { logger: createLogger('silent'), changes: { emit() {} } })).get('v')!);
    const [a, b] = ['cga', 'cgb'];
    await backend.users.put(a, { name: 'A' });
    await backend.users.put(b, { name: 'B' });
    await backend.friends.put(a, b, { alias: 'Bee' });
    // Friends that sort after b, so a page from the start still holds b.
    const filler = (index: number) => `cgz${String(index).padStart(5, '0')}`;
    const operations: Array<[string, () => Promise<unknown>]> = [
      ['relations.get', () => backend!.relations.get(a, b)],
      ['send policy check (messages.send a → b)', () => backend!.messages.send({ from: a, to: { type: 'user', id: b }, text: 'hi' })],
      ['friends page (friends.list, limit 20)', () => backend!.friends.list(a, { limit: 20 })],
    ];
    const p50 = operations.map(() => ({}) as GrowthRow['p50']);
    let seeded = 1;
    for (const size of SIZES) {
      const more = Array.from({ length: size - seeded }, (_, index) => filler(seeded + index));
      for (const owner of [a, b]) seeder(state, owner, owner === a ? b : a, more);
      seeded = size;
      fake.control.clearRequests();
      // One unmeasured round at the first size: what the process still warms up after a call's
      // own warm-up (other operations' code, the fake's) would otherwise count against 10 friends.
      if (size === SIZES[0]) for (const [, call] of operations) await timed(call);
      for (const [index, [, call]] of operations.entries()) p50[index]![size] = await timed(call);
    }
    return operations.map(([operation], index) => ({ vendor, operation, p50: p50[index]! }));
  } finally {
    await backend?.close();
    await fake.close();
  }
}

export async function measureCostGrowth(vendors: readonly string[] = VENDORS): Promise<GrowthRow[]> {
  const rows: GrowthRow[] = [];
  for (const vendor of vendors) rows.push(...(await measureVendor(vendor)));
  return rows;
}

export function formatCostGrowth(rows: readonly GrowthRow[]): string {
  const lines = rows.map((row) => {
    const ratio = row.p50[10_000] / row.p50[10];
    return `| ${row.vendor} | ${row.operation} | ${row.p50[10].toFixed(2)} | ${row.p50[1_000].toFixed(2)} | ${row.p50[10_000].toFixed(2)} | ${ratio.toFixed(2)}×${ratio <= 1.5 ? '' : ' (> 1.5: the vendor NOTES.md says why)'} |`;
  });
  return ['| vendor | operation | p50 ms, 10 friends | 1,000 | 10,000 | 10,000 ÷ 10 |', '|---|---|---:|---:|---:|---:|', ...lines].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatCostGrowth(await measureCostGrowth())}\n`);
  process.exit(0);
}
