/**
 * The OpenIM backend (vendor note: docs of open-im-server v3.7–3.8.3). The host imports this
 * module and calls `createBackend(validatedConfig, context)`.
 */
import type { BackendFactory } from '../../../src/spec/index.js';
import { featuresOf, type OpenImConfig } from './config.js';
import { OpenImBackend } from './openim-backend.js';

export type { OpenImConfig } from './config.js';
export { OPENIM_ID_RULE } from './ids.js';
export { openImCapabilities } from './capabilities.js';

export const createBackend: BackendFactory<OpenImConfig> = async (config, context) => {
  // Fails early on a version string the routes cannot be chosen for.
  featuresOf(config.version);
  return new OpenImBackend(config, context);
};
