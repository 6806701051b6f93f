/**
 * What several imbridge instances must share to answer as one: idempotency keys and answers,
 * the guard's keyed locks, and adapter state that must outlive a process. `memory` keeps all of
 * it in this process (one instance); `postgres` keeps it in a PostgreSQL database every instance
 * reaches (it may be the native store's own database).
 */
import pg from 'pg';
import { IdempotencyStore, MemoryKeyedLock, MemorySharedState, type Idempotency, type KeyedLock, type SharedState } from '../runtime/index.js';
import { PostgresIdempotencyStore, PostgresKeyedLock, PostgresSharedState, migrateCoordination } from './postgres-coordination.js';

export interface CoordinationConfig {
  driver: 'memory' | 'postgres';
  /** postgres driver: postgres://user:password@host:port/database */
  url?: string;
  pool?: { max?: number };
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

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured url (unparsable)';
  }
}

export async function createCoordination(config: CoordinationConfig = { driver: 'memory' }): Promise<Coordination> {
  if (config.driver === 'memory') return memoryCoordination();
  if (config.url === undefined) throw new Error('coordination.url: the postgres driver needs a url');
  // Locks hold a connection while their work runs; the default leaves room for many at once.
  const pool = new pg.Pool({ connectionString: config.url, max: config.pool?.max ?? 20, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  try {
    await migrateCoordination(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`coordination: cannot reach PostgreSQL at ${describeUrl(config.url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    driver: 'postgres',
    idempotency: new PostgresIdempotencyStore(pool),
    lock: new PostgresKeyedLock(pool),
    state: new PostgresSharedState(pool),
    close: () => pool.end(),
  };
}

export { PostgresIdempotencyStore, PostgresKeyedLock, PostgresSharedState } from './postgres-coordination.js';
