/**
 * What one vendor folder (`adapters/<vendor>/vendor.ts`) describes to the host: its name, the
 * JSON Schema of its `backends:` block, how to build its Backend, and where it has them, its fake
 * and its vendor-shaped facade. The host learns every vendor from `adapters/index.ts`, a list of
 * these, and from nothing else.
 */
import { readFileSync } from 'node:fs';
import type { Backend, BackendContext } from '../spec/index.js';
import type { Backdoor, FakeControl } from '../testing/index.js';
import type { CompatConfig, FacadeFactory } from '../facade-kit/index.js';
import { guardBackend } from '../runtime/index.js';
import type { VendorCallbacks } from './vendor-callbacks.js';

export type JsonSchema = Record<string, unknown>;

/** A `backends.<name>` block, validated by the vendor's schema before `createBackend` sees it. */
export interface VendorBackendConfig {
  vendor: string;
  [key: string]: unknown;
}

/** A vendor fake listening on loopback (what `imbridge fake <vendor>` runs). */
export interface RunningFake {
  url: string;
  /** The `backends:` block that reaches this fake. */
  backendConfig: Record<string, unknown>;
  /** The fault hook and request log every fake mounts. */
  control: FakeControl;
  close(): Promise<void>;
}

export interface FakeStartOptions {
  port?: number;
  host?: string;
  /** The vendor's own fake options (an edition, a server setting), passed through unchanged. */
  [option: string]: unknown;
}

export interface VendorFake<Running extends RunningFake = RunningFake> {
  start(options?: FakeStartOptions): Promise<Running>;
  /** The independent read of the fake's state, in unified terms. */
  backdoor(fake: Running): Backdoor;
}

export interface VendorFacade {
  /** JSON Schema of the `compat.<vendor>` block. */
  schema: JsonSchema;
  create: FacadeFactory;
  /**
   * Whether this `compat.<vendor>` block lets clients in without any credential (a vendor whose
   * default is no auth). Start-up refuses such a block when API keys are set or the server
   * listens beyond loopback.
   */
  admitsAnyone?(block: CompatConfig): boolean;
}

export interface VendorModule {
  /** The `vendor:` value in the config, the folder name, the `/compat/<name>` prefix. */
  readonly name: string;
  /** JSON Schema of this vendor's `backends.<name>` block. */
  readonly backendSchema: JsonSchema;
  // Method syntax: each vendor narrows the config to its own block (bivariant on purpose).
  createBackend(config: VendorBackendConfig, context: BackendContext): Promise<Backend>;
  readonly fake?: VendorFake;
  readonly facade?: VendorFacade;
  /** Reads the vendor's own change callbacks (`POST /callbacks/<vendor>`), when it has any. */
  readonly callbacks?: VendorCallbacks;
  /** What `imbridge conformance` needs to check a live deployment of this vendor. */
  readonly live?: VendorLive;
}

export interface VendorLive {
  /**
   * The independent read of a live deployment's state through the vendor's own read API, for
   * the `backends.<name>` block that reaches it (code that shares nothing with the adapter).
   */
  backdoor(block: VendorBackendConfig): Backdoor;
}

/** Reads a JSON Schema that sits beside a vendor's `vendor.ts`. */
export function readSchema(url: URL): JsonSchema {
  return JSON.parse(readFileSync(url, 'utf8')) as JsonSchema;
}

/**
 * A vendor's descriptor, with every Backend it creates behind the contract's guard
 * (`guardBackend`): library users of a descriptor get the same rules as the HTTP layer.
 */
export function defineVendor<Module extends VendorModule>(module: Module): Module {
  const create = module.createBackend.bind(module);
  return { ...module, createBackend: async (config, context) => guardBackend(await create(config, context)) };
}
