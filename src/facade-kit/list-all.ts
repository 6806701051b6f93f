/**
 * Vendor list routes answer whole lists, so a facade reads the backend's pages to the end before
 * it answers in the vendor's shape: the contract's own walk (`src/spec/every-item.ts`).
 */
export { listAll } from '../spec/every-item.js';
