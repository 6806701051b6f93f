/** The facade kit: what every vendor-shaped facade (`adapters/<vendor>/facade/`) builds on. */
export * from './facade.js';
export * from './pass-through.js';
export * from './route-table.js';
export * from './end-with-pass-through.js';
export * from './list-all.js';
export * from './facade-outcome.js';
