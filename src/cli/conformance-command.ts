/**
 * `imbridge conformance`: the conformance suite against a live deployment of one configured
 * backend (checked through the vendor's own read API), or against a running imbridge by `--url`
 * (checked through its unified API), a pass/fail/skip table per facet on stdout (and in
 * `--report`, JUnit XML in `--junit`), exit code 0 when nothing failed and 1 otherwise. `--record DIR` keeps every exchange with the vendor, one JSON
 * file per facet, as replay fixtures for the fake.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { facetNames, runLiveConformance, runRemoteConformance } from '../conformance/live/run-live-conformance.js';
import { formatReport, type ReportHeader } from '../conformance/live/format-report.js';
import { formatJunit } from '../conformance/live/format-junit.js';
import type { TestResult } from '../conformance/live/collecting-runner.js';
import type { RecordedExchange } from '../conformance/live/exchange-recorder.js';
import { findVendor } from '../../adapters/index.js';
import { stringifyJson } from '../runtime/index.js';

/** Races are not recorded: the order their exchanges reach the server is not reproducible. */
const UNRECORDED_FACETS = new Set(['concurrency']);

function positiveInteger(value: string | undefined, flag: string, usage: (message: string) => never): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) usage(`${flag}: "${value}" is not a positive integer`);
  return parsed;
}

function writeFixtures(directory: string, vendor: string, target: string | undefined, exchanges: readonly RecordedExchange[]): number {
  mkdirSync(directory, { recursive: true });
  const byFacet = new Map<string, RecordedExchange[]>();
  for (const exchange of exchanges) {
    if (UNRECORDED_FACETS.has(exchange.facet)) continue;
    byFacet.set(exchange.facet, [...(byFacet.get(exchange.facet) ?? []), exchange]);
  }
  let written = 0;
  for (const [facet, list] of byFacet) {
    const file = join(directory, `${facet}.json`);
    writeFileSync(file, `${stringifyJson({ vendor, ...(target ? { target } : {}), recordedAt: new Date().toISOString().slice(0, 10), exchanges: list }, 1)}\n`);
    written += list.length;
  }
  return written;
}

/** The flags of `imbridge conformance`, as the command line gave them. */
export interface ConformanceFlags {
  url?: string;
  junit?: string;
  config?: string;
  backend?: string;
  report?: string;
  record?: string;
  facet?: string[];
  rounds?: string;
  timeout?: string;
  target?: string;
}

const printResult = (result: TestResult): void => {
  const mark = result.status === 'passed' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'skip';
  process.stderr.write(`${mark} ${result.facet} › ${result.test}${result.status === 'failed' ? `\n     ${(result.message ?? '').split('\n')[0]}` : ''}\n`);
};

function writeReports(values: ConformanceFlags, header: ReportHeader, results: readonly TestResult[]): number {
  const report = formatReport(header, results);
  process.stdout.write(report);
  if (values.report) writeFileSync(values.report, report);
  if (values.junit) writeFileSync(values.junit, formatJunit(header, results));
  return results.some((result) => result.status === 'failed') ? 1 : 0;
}

/**
 * `--url`: a running imbridge from outside, checked through its own API; the key, when the
 * deployment wants one, comes from IMBRIDGE_API_KEY (a flag would show in the process list).
 */
async function remote(values: ConformanceFlags & { url: string }, common: { facets?: Set<string>; concurrencyRounds?: number; timeoutMs?: number }, usage: (message: string) => never): Promise<number> {
  if (values.config) usage('--url and --config are two ways to name the target: give one');
  if (values.record !== undefined) usage('--record keeps vendor exchanges, which a run through --url does not see');
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    usage(`--url: "${values.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') usage(`--url: "${values.url}" is not an http(s) URL`);
  const apiKey = process.env.IMBRIDGE_API_KEY;
  const results = await runRemoteConformance({
    name: values.backend ?? 'default',
    url: url.href,
    ...(apiKey ? { apiKey } : {}),
    ...(values.backend ? { backend: values.backend } : {}),
    ...common,
    onResult: printResult,
  });
  const target = `${url.origin}, checked through its own API${values.target ? `; ${values.target}` : ''}`;
  return writeReports(values, { backend: values.backend ?? '(default)', vendor: 'remote imbridge', target }, results);
}

export async function conformance(values: ConformanceFlags, usage: (message: string) => never): Promise<number> {
  const known = facetNames();
  for (const facet of values.facet ?? []) {
    if (!known.includes(facet)) usage(`no facet named "${facet}"; the facets are: ${known.join(', ')}`);
  }
  const rounds = positiveInteger(values.rounds, '--rounds', usage);
  const timeoutMs = positiveInteger(values.timeout, '--timeout', usage);
  const common = {
    ...(values.facet && values.facet.length > 0 ? { facets: new Set(values.facet) } : {}),
    ...(rounds !== undefined ? { concurrencyRounds: rounds } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
  if (values.url !== undefined) return remote({ ...values, url: values.url }, common, usage);
  if (!values.config) usage('--config (with --backend) or --url is required');
  if (!values.backend) usage('--backend is required');
  const config = loadConfig(values.config);
  const block = config.backends[values.backend];
  if (!block) usage(`no backend named "${values.backend}" in ${values.config}; it has: ${Object.keys(config.backends).join(', ')}`);
  const vendor = findVendor(block.vendor);
  if (!vendor?.live) usage(`the ${block.vendor} vendor has no live backdoor, so a live run cannot check what it writes`);
  const live = vendor.live;

  const { results, exchanges } = await runLiveConformance({
    name: values.backend,
    block,
    backdoor: (configured) => live.backdoor(configured),
    ...common,
    record: values.record !== undefined,
    onResult: printResult,
  });
  const code = writeReports(values, { backend: values.backend, vendor: block.vendor, ...(values.target ? { target: values.target } : {}) }, results);
  if (values.record !== undefined) {
    const written = writeFixtures(values.record, block.vendor, values.target, exchanges);
    process.stderr.write(`recorded ${written} exchanges in ${values.record}\n`);
  }
  return code;
}
