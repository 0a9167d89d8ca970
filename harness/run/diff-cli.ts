import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DEFAULT_DIFF_OPTIONS, diffRuns } from '../reports/diff';
import { renderDiffJson, renderDiffMarkdown } from '../reports/diff-markdown';
import { readResultsFile } from '../reports/results-file';
import { UsageError } from './run-spec';
import { prepareOutFile } from './out-dir';

interface DiffFlags {
  readonly format: 'md' | 'json';
  readonly out?: string;
  readonly timingRatio: string;
  readonly timingMinMs: string;
}

function positiveNumber(option: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new UsageError(`--${option} must be a number of at least ${min}, got '${value}'`);
  }
  return n;
}

/** Exit status: 1 when head regressed against base, 0 otherwise; unreadable input throws (exit 2). */
export function diffCommand(base: string, head: string, flags: DiffFlags): number {
  const options = {
    timingRatio: positiveNumber('timing-ratio', flags.timingRatio, 1),
    timingMinMs: positiveNumber('timing-min-ms', flags.timingMinMs, 0),
  };
  const outFile = flags.out ? prepareOutFile(flags.out) : undefined;
  const diff = diffRuns(readResultsFile(base), readResultsFile(head), options);
  const text = flags.format === 'json' ? renderDiffJson(diff) : renderDiffMarkdown(diff);
  if (outFile) {
    const path = outFile;
    writeFileSync(path, text);
    process.stderr.write(`parsec-conformance: wrote ${path}\n`);
  } else {
    process.stdout.write(text);
  }
  const n = diff.regressions.length;
  process.stderr.write(
    n > 0 ? `parsec-conformance: ${n} regression${n === 1 ? '' : 's'}\n` : 'parsec-conformance: no regression\n',
  );
  return n > 0 ? 1 : 0;
}

export function addDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two runs case by case: regressions, fixes, known deviations gone, new and removed cases, status changes, timing outliers, environment',
    )
    .argument('<base>', "the baseline run's results.json (or its report folder)")
    .argument('<head>', 'the run to judge: its results.json (or its report folder)')
    .addOption(
      new Option('--format <format>', 'md for people, json for machines').choices(['md', 'json']).default('md'),
    )
    .option('--out <file>', 'write the diff to this file instead of standard output')
    .addOption(
      new Option('--timing-ratio <r>', 'a timing outlier is at least this many times slower or faster').default(
        String(DEFAULT_DIFF_OPTIONS.timingRatio),
      ),
    )
    .addOption(
      new Option('--timing-min-ms <ms>', 'and at least this many milliseconds apart').default(
        String(DEFAULT_DIFF_OPTIONS.timingMinMs),
      ),
    )
    .addHelpText(
      'after',
      [
        '',
        'A regression is a case that passed, was a known deviation (expected-fail), was flaky or was skipped in base',
        'and failed or unexpectedly passed in head. A known deviation that head no longer shows (expected-fail to',
        'unexpected-pass or passed) is reported as gone, not as a regression. Case ids are stable across Parsec',
        'versions and targets, so any two runs compare.',
        '',
        'Exit status: 0 no regression, 1 a regression, 2 a file that cannot be read as a results.json.',
        '',
        'Examples:',
        '  parsec-conformance diff reports/trixie reports/sid                    # Parsec 1.4.1 → 1.5.0, Markdown',
        '  parsec-conformance diff base/results.json head/results.json --format json --out diff.json',
        '  parsec-conformance diff native containers --timing-ratio 2 --timing-min-ms 100',
      ].join('\n'),
    )
    .action((base: string, head: string, flags: DiffFlags) => {
      process.exitCode = diffCommand(base, head, flags);
    });
}
