/**
 * The only list of vendors. The host (backend creation, the CLI, facade mounting, the config
 * schema) and the tests that loop over vendors all read it; adding a vendor is one folder under
 * `adapters/` and one line here. Each `vendor.ts` is light: its backend and fake load on first use.
 */
import type { VendorModule } from '../src/vendor-kit/index.js';

export const VENDORS: readonly VendorModule[] = [
  (await import('./native/vendor.js')).vendor,
  (await import('./wukongim/vendor.js')).vendor,
  (await import('./agora/vendor.js')).vendor,
  (await import('./openim/vendor.js')).vendor,
  (await import('./wildfire/vendor.js')).vendor,
  (await import('./mirror/vendor.js')).vendor,
];

/** The vendor named `name`, or undefined. */
export function findVendor(name: string): VendorModule | undefined {
  return VENDORS.find((vendor) => vendor.name === name);
}
