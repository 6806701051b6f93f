/** The native backend: in-process, its own store, the reference semantics. */
import type { BackendContext, BackendFactory } from '../../../src/spec/index.js';
import { NativeBackend } from './native-backend.js';
import { openDatabase, type StoreOptions } from './sqlite-store.js';

export interface NativeConfig {
  vendor: 'native';
  store?: StoreOptions;
  policy?: { requireFriendship?: boolean };
}

export const createBackend: BackendFactory<NativeConfig> = async (config: NativeConfig, context: BackendContext) =>
  new NativeBackend(openDatabase(config.store ?? { driver: 'sqlite' }), { requireFriendship: config.policy?.requireFriendship ?? false }, context);

export { NativeBackend } from './native-backend.js';
export { DEFAULT_DATABASE_PATH, openDatabase } from './sqlite-store.js';
