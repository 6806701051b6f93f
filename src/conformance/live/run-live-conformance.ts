/**
 * The conformance suite against a live deployment: imbridge serves the named backend block as
 * it is configured, the suite calls it through HTTP (the path an app takes), and every write is
 * checked through the vendor's live backdoor, which reads the vendor's own read API with code
 * that shares nothing with the adapter. Optionally every vendor exchange is recorded.
 */
import type { BackendConfig } from '../../config/config-types.js';
import type { ChangeRecord } from '../../spec/index.js';
import type { Backdoor } from '../backdoor.js';
import { apiBackdoor } from '../api-backdoor.js';
import { FACETS, connectHttpBackend, serveImbridge } from '../index.js';
import type { ConformanceTarget, TargetFactory } from '../suite-context.js';
import { CollectingRunner, type TestResult } from './collecting-runner.js';
import { startExchangeRecorder, type ExchangeRecorder, type RecordedExchange } from './exchange-recorder.js';
import { httpStatusForCode } from '../../http/error-status.js';

export interface LiveConformanceOptions {
  /** The backend's name (a label in the report). */
  name: string;
  block: BackendConfig;
  /** The vendor's live backdoor for `block` (`vendor.live.backdoor`). */
  backdoor(block: BackendConfig): Backdoor;
  /** Facet names to run; all when absent. */
  facets?: ReadonlySet<string>;
  /** Facet names never run (the recorder skips races: their exchange order is not reproducible). */
  skipFacets?: ReadonlySet<string>;
  /** Rounds of each race in the concurrency facet. */
  concurrencyRounds?: number;
  /** Per-test timeout (a remote vendor is slower than a fake). */
  timeoutMs?: number;
  /** Keep every exchange between imbridge and the vendor. */
  record?: boolean;
  onResult?(result: TestResult): void;
}

export interface LiveConformanceResult {
  results: TestResult[];
  exchanges: readonly RecordedExchange[];
}

function liveTarget(options: LiveConformanceOptions, recorder: ExchangeRecorder | undefined): TargetFactory {
  return async (): Promise<ConformanceTarget> => {
    const block = recorder ? { ...options.block, baseUrl: recorder.url } : options.block;
    const server = await serveImbridge({ defaultBackend: options.name, backends: { [options.name]: block } });
    const changes: ChangeRecord[] = [];
    server.changes.subscribe((record) => changes.push(record));
    try {
      const backend = await connectHttpBackend({ url: server.url });
      return { backend, backdoor: options.backdoor(options.block), changes, close: () => server.close() };
    } catch (error) {
      await server.close();
      throw error;
    }
  };
}

/** The suite's facet names, in order (what `--facet` accepts). */
export function facetNames(): string[] {
  const runner = new CollectingRunner();
  const unused: TargetFactory = () => Promise.reject(new Error('not run'));
  for (const facet of FACETS) facet(runner, unused, {});
  return runner.facets();
}

/** What a run of the suite is told, whatever it is run against. */
type RunOptions = Pick<LiveConformanceOptions, 'name' | 'facets' | 'skipFacets' | 'concurrencyRounds' | 'timeoutMs' | 'onResult'> & {
  onTestStart?(facet: string, test: string): void;
};

async function runFacets(factory: TargetFactory, options: RunOptions): Promise<TestResult[]> {
  const runner = new CollectingRunner();
  const facetOptions = {
    name: options.name,
    statusFor: httpStatusForCode,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.concurrencyRounds !== undefined ? { concurrencyRounds: options.concurrencyRounds } : {}),
  };
  for (const facet of FACETS) facet(runner, factory, facetOptions);
  const known = new Set(runner.facets());
  for (const wanted of options.facets ?? []) {
    if (!known.has(wanted)) throw new Error(`no facet named "${wanted}"; the facets are: ${[...known].join(', ')}`);
  }
  const only = new Set([...(options.facets ?? known)].filter((facet) => !options.skipFacets?.has(facet)));
  return runner.run({
    only,
    hooks: {
      ...(options.onTestStart ? { onTestStart: options.onTestStart } : {}),
      ...(options.onResult ? { onResult: options.onResult } : {}),
    },
  });
}

export async function runLiveConformance(options: LiveConformanceOptions): Promise<LiveConformanceResult> {
  const recorder = options.record ? await startExchangeRecorder(String(options.block.baseUrl)) : undefined;
  try {
    const results = await runFacets(liveTarget(options, recorder), { ...options, ...(recorder ? { onTestStart: (facet: string, test: string) => recorder.label(facet, test) } : {}) });
    return { results, exchanges: recorder?.exchanges ?? [] };
  } finally {
    await recorder?.close();
  }
}

export interface RemoteConformanceOptions extends RunOptions {
  /** A running imbridge (any deployment): the suite's only way in, for writes and for reads. */
  url: string;
  apiKey?: string;
  /** Sent as X-IM-Backend; absent = the deployment's default backend. */
  backend?: string;
}

/**
 * The suite against a running imbridge seen from outside: writes and their checks both go
 * through its unified API (`apiBackdoor`), so a pass says the deployment answers consistently
 * with the contract, not that the vendor stored what it answered.
 */
export async function runRemoteConformance(options: RemoteConformanceOptions): Promise<TestResult[]> {
  const factory: TargetFactory = async () => {
    const backend = await connectHttpBackend({ url: options.url, ...(options.apiKey ? { apiKey: options.apiKey } : {}), ...(options.backend ? { backend: options.backend } : {}) });
    return { backend, backdoor: apiBackdoor(backend), close: () => backend.close() };
  };
  return runFacets(factory, options);
}
