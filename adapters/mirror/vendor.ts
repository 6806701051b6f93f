/** The mirror backend: two other configured backends as one, for a cut-over. No fake, no facade. */
import { defineVendor, readSchema, type VendorModule } from '../../src/vendor-kit/index.js';

export const vendor = defineVendor({
  name: 'mirror',
  backendSchema: readSchema(new URL('./backend.schema.json', import.meta.url)),
  createBackend: async (config, context) => (await import('./backend/index.js')).createBackend(config as never, context),
} satisfies VendorModule);
