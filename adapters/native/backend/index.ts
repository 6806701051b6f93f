/** The native backend: in-process, its own store, the reference semantics. */
import type { BackendContext, BackendFactory } from '../../../src/spec/index.js';
import { NativeBackend } from './native-backend.js';
import { NativeOutbox } from './native-outbox.js';
import { openDatabase, type StoreOptions } from './sqlite-store.js';

export interface NativeConfig {
  vendor: 'native';
  store?: StoreOptions;
  policy?: { requireFriendship?: boolean };
}

export const createBackend: BackendFactory<NativeConfig> = async (config: NativeConfig, context: BackendContext) => {
  const database = openDatabase(config.store ?? { driver: 'sqlite' });
  // Records go through the database's own outbox table, written in the change's transaction.
  const changes = new NativeOutbox(database, context.changes, context.logger);
  return new NativeBackend(database, { requireFriendship: config.policy?.requireFriendship ?? false }, { ...context, changes });
};

export { NativeBackend } from './native-backend.js';
export { DEFAULT_DATABASE_PATH, openDatabase } from './sqlite-store.js';
