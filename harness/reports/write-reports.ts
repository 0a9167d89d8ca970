import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit } from './junit';
import type { RunResults } from './model';
import { renderResultsJson } from './results-json';

/** Each report is a separate writer; one that throws does not cost the others their output. */
export const REPORT_WRITERS: readonly { file: string; render: (r: RunResults) => string }[] = [
  { file: 'junit.xml', render: renderJunit },
  { file: 'results.json', render: renderResultsJson },
];

export function writeReports(results: RunResults, outDir: string): { written: string[]; errors: string[] } {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const errors: string[] = [];
  for (const w of REPORT_WRITERS) {
    const path = join(outDir, w.file);
    try {
      writeFileSync(path, w.render(results));
      written.push(path);
    } catch (e) {
      errors.push(`${w.file}: ${(e as Error).message}`);
    }
  }
  return { written, errors };
}
