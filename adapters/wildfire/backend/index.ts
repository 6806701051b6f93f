/** The Wildfire IM backend (vendor note `adapters/wildfire/NOTES.md`): community or pro edition of the admin API. */
import type { BackendContext, BackendFactory } from '../../../src/spec/index.js';
import { WildfireBackend, type WildfireConfig } from './wildfire-backend.js';

export type { WildfireConfig } from './wildfire-backend.js';

export const createBackend: BackendFactory<WildfireConfig> = async (config: WildfireConfig, context: BackendContext) => new WildfireBackend(config, context);

export { WildfireBackend } from './wildfire-backend.js';
export { wildfireCapabilities, type WildfireEdition } from './capabilities.js';
export { WildfireClient, signedHeaders, wildfireSign } from './client.js';
export { ERROR_TABLE, unifiedCodeFor } from './errors.js';
export { WILDFIRE_ID_RULE } from './ids.js';
