import { Command } from 'commander';
import { summaryLines } from '../reports/jest-reporter';
import { mergeRuns, type MergeInput } from '../reports/merge';
import { countByStatus, runSucceeded } from '../reports/model';
import { readResultsFile, resultsPathOf } from '../reports/results-file';
import { writeReports } from '../reports/write-reports';
import { prepareOutDir } from './out-dir';

interface MergeFlags {
  readonly out: string;
  readonly allowPartial?: boolean;
}

/** Exit status: 0 when the merged run passes the gate, 1 when it fails; inputs that are not one run throw (exit 2). */
export function mergeCommand(sources: readonly string[], flags: MergeFlags): number {
  // A folder that cannot take the reports is refused before any input is read (exit 2).
  const outDir = prepareOutDir(flags.out);
  const inputs: MergeInput[] = sources.map((s) => ({ source: resultsPathOf(s), results: readResultsFile(s) }));
  const merged = mergeRuns(inputs, { allowPartial: flags.allowPartial === true });
  const { written, errors } = writeReports(merged, outDir);
  const ok = runSucceeded(merged.cases) && errors.length === 0;
  const counts = countByStatus(merged.cases);
  process.stderr.write(
    [
      `merged ${inputs.length} results: ${(merged.mergedFrom ?? []).map((m) => m.shard).join(', ')}`,
      ...summaryLines(merged),
      ...written.map((w) => `  wrote ${w}`),
      ...errors.map((e) => `  REPORT ERROR ${e}`),
      ok
        ? 'parsec-conformance: PASS'
        : `parsec-conformance: FAIL (${counts.failed} failed, ${counts['unexpected-pass']} unexpected-pass)`,
      '',
    ].join('\n'),
  );
  return ok ? 0 : 1;
}

export function addMergeCommand(program: Command): void {
  program
    .command('merge')
    .description(
      "combine the results of a run's shards (run --shard i/n, one per CI job) into one results.json, junit.xml and the other reports",
    )
    .argument('<results...>', "each shard's results.json, or its report folder")
    .requiredOption('--out <dir>', 'folder for the merged reports')
    .option('--allow-partial', 'merge even when some shards are missing (their cases are then simply absent)')
    .addHelpText(
      'after',
      [
        '',
        'The inputs must be one run: one harness version and commit, one target (kind, Parsec version and source,',
        'providers, backend versions), each shard once and none missing. A case is in one shard only; the run-level',
        "checks (coverage of every advertised operation, stale expectation entries) are judged on all shards' cases.",
        '',
        'Exit status: 0 the merged run passes, 1 a case failed or a known deviation unexpectedly passed, 2 inputs that',
        'cannot be read or are not one run.',
        '',
        'Examples:',
        '  parsec-conformance merge shard-1 shard-2 shard-3 --out reports/all',
        '  parsec-conformance merge artifacts/*/results.json --out merged',
      ].join('\n'),
    )
    .action((sources: string[], flags: MergeFlags) => {
      process.exitCode = mergeCommand(sources, flags);
    });
}
