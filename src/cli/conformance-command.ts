/**
 * `imbridge conformance`: the conformance suite against a live deployment of one configured
 * backend, a pass/fail/skip table per facet on stdout (and in `--report`), exit code 0 when
 * nothing failed and 1 otherwise. `--record DIR` keeps every exchange with the vendor, one JSON
 * file per facet, as replay fixtures for the fake.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { facetNames, runLiveConformance } from '../conformance/live/run-live-conformance.js';
import { formatReport } from '../conformance/live/format-report.js';
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
  config?: string;
  backend?: string;
  report?: string;
  record?: string;
  facet?: string[];
  rounds?: string;
  timeout?: string;
  target?: string;
}

export async function conformance(values: ConformanceFlags, usage: (message: string) => never): Promise<number> {
  if (!values.config) usage('--config is required');
  if (!values.backend) usage('--backend is required');
  const known = facetNames();
  for (const facet of values.facet ?? []) {
    if (!known.includes(facet)) usage(`no facet named "${facet}"; the facets are: ${known.join(', ')}`);
  }
  const rounds = positiveInteger(values.rounds, '--rounds', usage);
  const timeoutMs = positiveInteger(values.timeout, '--timeout', usage);
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
    ...(values.facet && values.facet.length > 0 ? { facets: new Set(values.facet) } : {}),
    ...(rounds !== undefined ? { concurrencyRounds: rounds } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    record: values.record !== undefined,
    onResult: (result) => {
      const mark = result.status === 'passed' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'skip';
      process.stderr.write(`${mark} ${result.facet} › ${result.test}${result.status === 'failed' ? `\n     ${(result.message ?? '').split('\n')[0]}` : ''}\n`);
    },
  });
  const report = formatReport({ backend: values.backend, vendor: block.vendor, ...(values.target ? { target: values.target } : {}) }, results);
  process.stdout.write(report);
  if (values.report) writeFileSync(values.report, report);
  if (values.record !== undefined) {
    const written = writeFixtures(values.record, block.vendor, values.target, exchanges);
    process.stderr.write(`recorded ${written} exchanges in ${values.record}\n`);
  }
  return results.some((result) => result.status === 'failed') ? 1 : 0;
}
