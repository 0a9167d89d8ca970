import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html';
import { renderJunit } from './junit';
import type { RunResults } from './model';
import { renderPinMatrixMarkdown } from './pin-matrix';
import { renderResultsJson } from './results-json';
import { renderSummaryMarkdown } from './summary-md';

/**
 * A report: its file in the output folder and how to render it. A renderer that returns undefined has nothing to say
 * about this run (the PIN matrix of a run without its suite): no file is written, and one an earlier run left is removed.
 */
export interface ReportWriter {
  readonly file: string;
  readonly render: (r: RunResults) => string | undefined;
}

/** Each report is a separate writer; one that throws does not cost the others their output. */
export const REPORT_WRITERS: readonly ReportWriter[] = [
  { file: 'junit.xml', render: renderJunit },
  { file: 'results.json', render: renderResultsJson },
  { file: 'pkcs11-pin-matrix.md', render: renderPinMatrixMarkdown },
  { file: 'report.html', render: renderHtml },
  { file: 'summary.md', render: renderSummaryMarkdown },
];

export function writeReports(
  results: RunResults,
  outDir: string,
  writers: readonly ReportWriter[] = REPORT_WRITERS,
): { written: string[]; errors: string[] } {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const errors: string[] = [];
  for (const w of writers) {
    const path = join(outDir, w.file);
    try {
      const text = w.render(results);
      if (text === undefined) {
        rmSync(path, { force: true });
        continue;
      }
      writeFileSync(path, text);
      written.push(path);
    } catch (e) {
      errors.push(`${w.file}: ${(e as Error).message}`);
    }
  }
  return { written, errors };
}
