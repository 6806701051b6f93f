/**
 * Coordination of several imbridge instances through one Redis server: idempotency keys and their
 * answers, the guard's keyed locks and shared adapter state as keys under one prefix. Every
 * read-check-write is one Lua script, which Redis runs atomically, so two instances never both
 * win a claim. Expiry is checked against the caller's clock and also handed to Redis (PEXPIRE),
 * which removes what nobody reads again.
 *
 * A standalone server (or a Sentinel-managed primary) is assumed: the multi-key scripts do not
 * place their keys in one Redis Cluster slot.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { IdempotencyStore, MemoryKeyedLock, idempotencyKeyHash, idempotencyMismatch, type Idempotency, type KeyedLock, type SharedState, type StoredAnswer } from '../runtime/index.js';

function newClient(url: string, connected: () => boolean) {
  return createClient({
    url,
    socket: {
      connectTimeout: 10_000,
      // At start-up a server that cannot be reached is an error; later a lost one is retried.
      reconnectStrategy: (retries, cause) => (connected() ? Math.min(50 * 2 ** retries, 2_000) : retries >= 2 ? cause : 100),
    },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

/** The default prefix of every key imbridge writes on a Redis server. */
export const DEFAULT_REDIS_PREFIX = 'imbridge:';

async function script(client: RedisClient, source: string, keys: string[], args: Array<string | number>): Promise<unknown> {
  return client.eval(source, { keys, arguments: args.map(String) });
}

/**
 * A connected client, or a clear error if the server cannot be reached at start-up. Once
 * connected, a lost connection is retried without end (commands fail meanwhile, as with
 * PostgreSQL), so a Redis restart does not take imbridge down.
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  let connected = false;
  const client = newClient(url, () => connected);
  // node-redis emits every connection failure; the caller sees them as failed commands.
  client.on('error', () => undefined);
  await client.connect();
  connected = true;
  await client.ping();
  return client;
}

// ---------------------------------------------------------------- shared state

/** KEYS: the entries' keys; ARGV[1]: now. Answers each key's live value, or nil. */
const GET_MANY = `
local now = tonumber(ARGV[1])
local answer = {}
for index, key in ipairs(KEYS) do
  local entry = redis.call('HMGET', key, 'v', 'e')
  if entry[1] and (not entry[2] or tonumber(entry[2]) > now) then answer[index] = entry[1] else answer[index] = false end
end
return answer`;

/**
 * KEYS: the entries' keys; ARGV[1]: now, ARGV[2]: ttl in ms or '', ARGV[3..]: the values.
 * A key without a live value takes its value; every key answers the value it holds afterwards.
 */
const CLAIM_MANY = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local answer = {}
for index, key in ipairs(KEYS) do
  local entry = redis.call('HMGET', key, 'v', 'e')
  if entry[1] and (not entry[2] or tonumber(entry[2]) > now) then
    answer[index] = entry[1]
  else
    local value = ARGV[index + 2]
    redis.call('DEL', key)
    if ttl then
      redis.call('HSET', key, 'v', value, 'e', now + ttl)
      redis.call('PEXPIRE', key, ttl)
    else
      redis.call('HSET', key, 'v', value)
    end
    answer[index] = value
  end
end
return answer`;

/** KEYS[1]; ARGV[1]: value, ARGV[2]: now, ARGV[3]: ttl in ms or ''. */
const SET = `
redis.call('DEL', KEYS[1])
local ttl = tonumber(ARGV[3])
if ttl then
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', tonumber(ARGV[2]) + ttl)
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('HSET', KEYS[1], 'v', ARGV[1])
end
return 1`;

export class RedisSharedState implements SharedState {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix = DEFAULT_REDIS_PREFIX,
    private readonly now: () => number = Date.now,
  ) {}

  /** A JSON array keeps namespace and key apart whatever characters they hold. */
  private redisKey(namespace: string, key: string): string {
    return `${this.prefix}state:${JSON.stringify([namespace, key])}`;
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    return (await this.getMany(namespace, [key])).get(key);
  }

  async getMany(namespace: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const values = (await script(this.client, GET_MANY, keys.map((key) => this.redisKey(namespace, key)), [this.now()])) as Array<string | null>;
    const found = new Map<string, string>();
    keys.forEach((key, index) => {
      const value = values[index];
      if (typeof value === 'string') found.set(key, value);
    });
    return found;
  }

  async claimMany(namespace: string, entries: ReadonlyMap<string, string>, ttlMs?: number): Promise<Map<string, string>> {
    if (entries.size === 0) return new Map();
    const keys = [...entries.keys()];
    const values = (await script(
      this.client,
      CLAIM_MANY,
      keys.map((key) => this.redisKey(namespace, key)),
      [this.now(), ttlMs ?? '', ...entries.values()],
    )) as string[];
    return new Map(keys.map((key, index) => [key, values[index]!]));
  }

  async set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    await script(this.client, SET, [this.redisKey(namespace, key)], [value, this.now(), ttlMs ?? '']);
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.client.del(this.redisKey(namespace, key));
  }
}

// ---------------------------------------------------------------- idempotency

/**
 * KEYS[1]; ARGV[1]: now, ARGV[2]: lease in ms, ARGV[3]: ttl in ms, ARGV[4]: fingerprint.
 * Claims the key if it is free, expired, or running past its lease (its first caller died):
 * answers {1}; else {0, fingerprint, state, status, body}.
 */
const CLAIM_ANSWER = `
local now = tonumber(ARGV[1])
local entry = redis.call('HMGET', KEYS[1], 'f', 's', 'status', 'body', 'lease', 'e')
local free = not entry[1] or tonumber(entry[6]) < now or (entry[2] == 'running' and tonumber(entry[5]) < now)
if free then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'f', ARGV[4], 's', 'running', 'lease', now + tonumber(ARGV[2]), 'e', now + tonumber(ARGV[3]))
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return {1}
end
return {0, entry[1], entry[2], entry[3] or '', entry[4] or ''}`;

/** KEYS[1]; ARGV[1]: status, ARGV[2]: body, ARGV[3]: now, ARGV[4]: ttl in ms. */
const KEEP_ANSWER = `
redis.call('HSET', KEYS[1], 's', 'done', 'status', ARGV[1], 'body', ARGV[2], 'e', tonumber(ARGV[3]) + tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1`;

/** KEYS[1]: a failed first call frees its key, unless it is already done. */
const RELEASE_ANSWER = `
if redis.call('HGET', KEYS[1], 's') == 'running' then redis.call('DEL', KEYS[1]) end
return 1`;

export interface RedisIdempotencyOptions {
  prefix?: string;
  ttlMs?: number;
  /** How long a first call may run before another instance takes its key over (default 60 s). */
  leaseMs?: number;
  now?: () => number;
}

/**
 * The first answer per scope+key, kept in Redis for every instance: the same protocol as the
 * PostgreSQL store (claim as `running`, keep as `done`, free on failure, take over after the
 * lease), each step one script.
 */
export class RedisIdempotencyStore implements Idempotency {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: RedisClient,
    options: RedisIdempotencyOptions = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async run(scope: string, key: string, body: unknown, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
    const id = `${this.prefix}idempotency:${idempotencyKeyHash(scope, key)}`;
    const fingerprint = IdempotencyStore.fingerprint(body);
    for (;;) {
      const [claimed, storedFingerprint, state, status, storedBody] = (await script(this.client, CLAIM_ANSWER, [id], [this.now(), this.leaseMs, this.ttlMs, fingerprint])) as [
        number,
        string?,
        string?,
        string?,
        string?,
      ];
      if (claimed === 1) {
        let answer: StoredAnswer;
        try {
          answer = await work();
        } catch (error) {
          // Only successful answers are kept: the key may be retried.
          await script(this.client, RELEASE_ANSWER, [id], []);
          throw error;
        }
        await script(this.client, KEEP_ANSWER, [id], [answer.status, JSON.stringify(answer.body ?? null), this.now(), this.ttlMs]);
        return { ...answer, replayed: false };
      }
      if (storedFingerprint !== fingerprint) throw idempotencyMismatch();
      if (state === 'done') return { status: Number(status), body: JSON.parse(storedBody || 'null') as unknown, replayed: true };
      // The first call still runs, here or on another instance.
      await sleep(25);
    }
  }
}

// ---------------------------------------------------------------- keyed lock

/** KEYS[1]; ARGV[1]: the holder's token, ARGV[2]: lease in ms. Extends the lease if still held. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0`;

/** KEYS[1]; ARGV[1]: the holder's token. Frees the key only for its holder. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisKeyedLockOptions {
  prefix?: string;
  /**
   * How long a key stays locked without renewal (default 30 s). The holder renews it every third
   * of that while its work runs; a holder that died frees its keys when the lease runs out.
   */
  leaseMs?: number;
}

/**
 * The guard's keyed lock across instances: one Redis key per lock key, set only if absent
 * (`SET NX PX`) with a random token, taken in one global order so two callers cannot deadlock,
 * renewed while the work runs, deleted by its holder alone. Callers of the same process queue in
 * memory first, so a hot key is polled by one caller per instance.
 *
 * Unlike a PostgreSQL advisory lock, which ends with its connection, a Redis lock ends with its
 * lease: a holder stalled longer than the lease (not renewing) may see another instance enter.
 */
export class RedisKeyedLock implements KeyedLock {
  private readonly local = new MemoryKeyedLock();
  private readonly prefix: string;
  private readonly leaseMs: number;

  constructor(
    private readonly client: RedisClient,
    options: RedisKeyedLockOptions = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  run<Result>(keys: readonly string[], work: () => Promise<Result>): Promise<Result> {
    return this.local.run(keys, async () => {
      const token = randomBytes(16).toString('hex');
      const held: string[] = [];
      let renewal: NodeJS.Timeout | undefined;
      try {
        for (const key of [...new Set(keys)].sort()) {
          const redisKey = `${this.prefix}lock:${key}`;
          // Polls with a growing, jittered pause: a contended key waits for the other instance's work.
          for (let attempt = 0; ; attempt += 1) {
            const set = await this.client.set(redisKey, token, { condition: 'NX', expiration: { type: 'PX', value: this.leaseMs } });
            if (set === 'OK') break;
            await sleep(Math.min(2 + attempt * 2, 25) * (0.5 + Math.random()));
          }
          held.push(redisKey);
        }
        renewal = setInterval(() => {
          for (const redisKey of held) void script(this.client, RENEW, [redisKey], [token, this.leaseMs]).catch(() => undefined);
        }, Math.max(1, Math.floor(this.leaseMs / 3)));
        renewal.unref();
        return await work();
      } finally {
        if (renewal) clearInterval(renewal);
        // A key that cannot be freed now (Redis unreachable) frees itself when its lease ends.
        await Promise.all(held.map((redisKey) => script(this.client, UNLOCK, [redisKey], [token]).catch(() => undefined)));
      }
    });
  }
}
