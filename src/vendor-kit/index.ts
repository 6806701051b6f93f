/** The vendor kit: the shape of `adapters/<vendor>/vendor.ts`, the one thing the host knows of a vendor. */
export * from './vendor-module.js';
export * from './vendor-callbacks.js';
