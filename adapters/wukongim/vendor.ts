/** WuKongIM as imbridge knows it: backend, fake and facade, each loaded when first used. */
import { defineVendor, readSchema, type VendorModule } from '../../src/vendor-kit/index.js';
import { createBackdoor } from './fake/backdoor.js';
import type { RunningWukongimFake } from './fake/index.js';
import { createFacade } from './facade/index.js';
import { createLiveBackdoor, type LiveBlock } from './live/backdoor.js';
import { wukongimCallbacks } from './callbacks/wukongim-callbacks.js';

// The fake's own options: a descriptor caller passes them through `start` as they are.
type FakeOptions = Parameters<typeof import('./fake/index.js').startFake>[0];

export const vendor = defineVendor({
  name: 'wukongim',
  backendSchema: readSchema(new URL('./backend.schema.json', import.meta.url)),
  createBackend: async (config, context) => (await import('./backend/index.js')).createBackend(config as never, context),
  fake: {
    start: async (options) => (await import('./fake/index.js')).startFake(options as FakeOptions),
    backdoor: (fake) => createBackdoor(fake as RunningWukongimFake),
  },
  facade: {
    schema: readSchema(new URL('./facade.schema.json', import.meta.url)),
    create: createFacade,
    // WuKongIM without a managerToken checks nothing, and neither does the facade.
    admitsAnyone: (block) => typeof block.token !== 'string' || block.token === '',
  },
  live: {
    backdoor: (block) => createLiveBackdoor(block as unknown as LiveBlock),
  },
  callbacks: wukongimCallbacks,
} satisfies VendorModule);
