/** Machinery every backend shares. Adapters import only this and `src/spec`. */
export * from './chunk.js';
export * from './ids.js';
export * from './lossless-json.js';
export * from './multi-step-change.js';
export * from './token-cache.js';
export * from './vendor-http-client.js';
export * from './call-scope.js';
export * from './vendor-call-metrics.js';
export * from './paginate.js';
export * from './idempotency-store.js';
export * from './peer-id.js';
export * from './guard-backend.js';
export * from './emit-change.js';
export * from './send-policy.js';
export * from './same-secret.js';
export * from './keyed-lock.js';
