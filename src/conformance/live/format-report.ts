/** The result of a live conformance run as a Markdown table per facet, then every failure. */
import type { TestResult } from './collecting-runner.js';

export interface ReportHeader {
  backend: string;
  vendor: string;
  /** What the operator said the deployment is (a version, settings); free text. */
  target?: string;
}

export interface FacetCounts {
  facet: string;
  passed: number;
  failed: number;
  skipped: number;
}

export function countByFacet(results: readonly TestResult[]): FacetCounts[] {
  const counts = new Map<string, FacetCounts>();
  for (const result of results) {
    const entry = counts.get(result.facet) ?? { facet: result.facet, passed: 0, failed: 0, skipped: 0 };
    entry[result.status] += 1;
    counts.set(result.facet, entry);
  }
  return [...counts.values()];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

export function formatReport(header: ReportHeader, results: readonly TestResult[]): string {
  const counts = countByFacet(results);
  const total = counts.reduce((sum, entry) => ({ facet: 'total', passed: sum.passed + entry.passed, failed: sum.failed + entry.failed, skipped: sum.skipped + entry.skipped }), { facet: 'total', passed: 0, failed: 0, skipped: 0 });
  const lines = [
    `# Conformance: backend \`${header.backend}\` (${header.vendor})${header.target ? `, ${header.target}` : ''}`,
    '',
    '| facet | passed | failed | skipped |',
    '|---|---:|---:|---:|',
    ...counts.map((entry) => `| ${entry.facet} | ${entry.passed} | ${entry.failed} | ${entry.skipped} |`),
    `| **total** | **${total.passed}** | **${total.failed}** | **${total.skipped}** |`,
  ];
  const failures = results.filter((result) => result.status === 'failed');
  if (failures.length > 0) {
    lines.push('', '## Failures', '', '| facet | test | why |', '|---|---|---|');
    for (const failure of failures) lines.push(`| ${failure.facet} | ${cell(failure.test)} | ${cell(failure.message ?? '')} |`);
  }
  return `${lines.join('\n')}\n`;
}
