/**
 * imbridge Backend spec, version 1 — the one module adapters implement and callers consume.
 * It depends on nothing.
 */
export * from './backend.js';
export * from './capabilities.js';
export * from './errors.js';
export * from './types.js';
export * from './shared-state.js';
export * from './every-item.js';
