/**
 * The result of a conformance run as JUnit XML, the format CI systems (GitHub Actions reporters,
 * GitLab, Jenkins) show per test: one suite per facet, one case per test, skips with their reason.
 */
import junitModule, { type Builder } from 'junit-report-builder';
import type { TestResult } from './collecting-runner.js';
import { countByFacet, type ReportHeader } from './format-report.js';

// The package is CommonJS (`module.exports = builder`) with types that declare an ES default, so
// TypeScript and Node disagree on what the default import is; this takes the builder either way.
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

export function formatJunit(header: ReportHeader, results: readonly TestResult[]): string {
  const report = junit.newBuilder().name(`imbridge conformance: ${header.backend} (${header.vendor})${header.target ? `, ${header.target}` : ''}`);
  for (const { facet } of countByFacet(results)) {
    const suite = report.testSuite().name(facet);
    for (const result of results.filter((candidate) => candidate.facet === facet)) {
      const testCase = suite.testCase().className(`${header.backend}.${facet}`).name(result.test).time(result.durationMs / 1000);
      if (result.status === 'failed') testCase.failure(result.message ?? 'failed');
      else if (result.status === 'skipped') testCase.skipped().standardOutput(result.message ?? 'skipped');
    }
  }
  return report.build();
}
