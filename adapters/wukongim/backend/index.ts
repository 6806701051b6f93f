/** The WuKongIM v2 backend: `createBackend(config, context)` for the host. */
import type { BackendFactory } from '../../../src/spec/index.js';
import { WukongimBackend, type WukongimConfig } from './wukongim-backend.js';

export type { WukongimConfig } from './wukongim-backend.js';
export { WukongimBackend } from './wukongim-backend.js';

export const createBackend: BackendFactory<WukongimConfig> = async (config, context) => new WukongimBackend(config, context);
