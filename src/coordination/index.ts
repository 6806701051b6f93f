/**
 * What several imbridge instances must share to answer as one: idempotency keys and answers,
 * the guard's keyed locks, and adapter state that must outlive a process. `memory` keeps all of
 * it in this process (one instance); `postgres` keeps it in a PostgreSQL database every instance
 * reaches (it may be the native store's own database); `redis` in a Redis server every instance
 * reaches.
 */
import pg from 'pg';
import { IdempotencyStore, MemoryKeyedLock, MemorySharedState, type Idempotency, type KeyedLock, type SharedState } from '../runtime/index.js';
import { PostgresIdempotencyStore, PostgresKeyedLock, PostgresSharedState, migrateCoordination } from './postgres-coordination.js';
import { DEFAULT_REDIS_PREFIX, RedisIdempotencyStore, RedisKeyedLock, RedisSharedState, connectRedis } from './redis-coordination.js';

export interface CoordinationConfig {
  driver: 'memory' | 'postgres' | 'redis';
  /** postgres driver: postgres://user:password@host:port/database; redis driver: redis://[user:password@]host:port[/db] (rediss:// for TLS) */
  url?: string;
  /** postgres driver */
  pool?: { max?: number };
  /** redis driver: the prefix of every key imbridge writes (default `imbridge:`), so deployments can share a server */
  prefix?: string;
}

export interface Coordination {
  readonly driver: CoordinationConfig['driver'];
  idempotency: Idempotency;
  lock: KeyedLock;
  state: SharedState;
  close(): Promise<void>;
}

export function memoryCoordination(): Coordination {
  return { driver: 'memory', idempotency: new IdempotencyStore(), lock: new MemoryKeyedLock(), state: new MemorySharedState(), close: async () => undefined };
}

/** Where the url points, without its credentials (start-up errors are logged). */
function describeUrl(url: string, defaultPort: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || defaultPort}${parsed.pathname}`;
  } catch {
    return 'the configured url (unparsable)';
  }
}

export async function createCoordination(config: CoordinationConfig = { driver: 'memory' }): Promise<Coordination> {
  if (config.driver === 'memory') return memoryCoordination();
  if (config.url === undefined) throw new Error(`coordination.url: the ${config.driver} driver needs a url`);
  if (config.driver === 'redis') return redisCoordination(config.url, config.prefix ?? DEFAULT_REDIS_PREFIX);
  // Locks hold a connection while their work runs; the default leaves room for many at once.
  const pool = new pg.Pool({ connectionString: config.url, max: config.pool?.max ?? 20, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  try {
    await migrateCoordination(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`coordination: cannot reach PostgreSQL at ${describeUrl(config.url, '5432')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    driver: 'postgres',
    idempotency: new PostgresIdempotencyStore(pool),
    lock: new PostgresKeyedLock(pool),
    state: new PostgresSharedState(pool),
    close: () => pool.end(),
  };
}

async function redisCoordination(url: string, prefix: string): Promise<Coordination> {
  let client;
  try {
    client = await connectRedis(url);
  } catch (error) {
    throw new Error(`coordination: cannot reach Redis at ${describeUrl(url, '6379')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    driver: 'redis',
    idempotency: new RedisIdempotencyStore(client, { prefix }),
    lock: new RedisKeyedLock(client, { prefix }),
    state: new RedisSharedState(client, prefix),
    close: () => client.close(),
  };
}

export { RedisIdempotencyStore, RedisKeyedLock, RedisSharedState } from './redis-coordination.js';
export { PostgresIdempotencyStore, PostgresKeyedLock, PostgresSharedState } from './postgres-coordination.js';
