/** The native backend: in-process, on its own store; the reference semantics. No fake, no facade. */
import { defineVendor, readSchema, type VendorModule } from '../../src/vendor-kit/index.js';

export const vendor = defineVendor({
  name: 'native',
  backendSchema: readSchema(new URL('./backend.schema.json', import.meta.url)),
  createBackend: async (config, context) => (await import('./backend/index.js')).createBackend(config as never, context),
} satisfies VendorModule);
