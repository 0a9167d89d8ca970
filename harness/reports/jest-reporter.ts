import type { AggregatedResult, Reporter, TestContext } from '@jest/reporters';
import type { Config } from '@jest/types';
import { readAllCaseMeta, readCaseData, readObserved } from '../kit/case-meta';
import { CONTEXT_ENV, readRunContext } from '../context';
import { buildResults } from './build-results';
import { coverageGaps, keyHygiene, staleExpectations, tokenObjectHygiene } from './run-checks';
import { countByStatus, type RunResults } from './model';
import { writeReports } from './write-reports';

/** Set by the CLI when no --suite selection narrows the run: only then is opcode coverage judged. */
export const FULL_RUN_ENV = 'PARSEC_CONFORMANCE_FULL_RUN';

export interface ConformanceReporterOptions {
  readonly outDir: string;
}

/** Lets the CLI read the verdict without parsing files back. */
export const lastRun: { results?: RunResults; reportErrors?: string[] } = {};

export function summaryLines(results: RunResults): string[] {
  const providers = [...new Set(results.cases.map((c) => c.provider))];
  const lines = providers.map((p) => {
    const counts = countByStatus(results.cases.filter((c) => c.provider === p));
    const parts = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    return `  ${p.padEnd(10)} ${parts.join(', ')}`;
  });
  const all = countByStatus(results.cases);
  return [
    `Parsec ${results.target.parsecVersion} on the ${results.target.kind} target (${results.target.parsecSource ?? results.target.parsecBinary}), ${results.cases.length} cases in ${(results.durationMs / 1000).toFixed(1)} s`,
    ...lines,
    `  total      ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped, ${all['expected-fail']} expected-fail, ${all['unexpected-pass']} unexpected-pass`,
  ];
}

export default class ConformanceReporter implements Pick<Reporter, 'onRunComplete'> {
  constructor(
    private readonly globalConfig: Config.GlobalConfig,
    private readonly options: ConformanceReporterOptions,
  ) {}

  async onRunComplete(_contexts: Set<TestContext>, aggregated: AggregatedResult): Promise<void> {
    if (!process.env[CONTEXT_ENV]) return; // globalSetup failed before discovery; the CLI reports that itself
    const context = readRunContext();
    const metas = readAllCaseMeta(context.metaDir);
    const built = buildResults(
      aggregated,
      context,
      metas,
      readObserved(context.metaDir),
      this.globalConfig.rootDir,
      Date.now(),
      readCaseData(context.metaDir),
    );
    const fullRun = process.env[FULL_RUN_ENV] === '1';
    // Keys the service still knows are destroyed by keyHygiene first; only then is the token compared.
    const keys = await keyHygiene(context);
    const tokenCheck = await tokenObjectHygiene(context);
    const checks = [
      keys,
      ...(tokenCheck ? [tokenCheck] : []),
      ...(fullRun ? [staleExpectations(context, metas.keys()), ...coverageGaps(context, built.cases)] : []),
    ];
    const results: RunResults = { ...built, cases: [...built.cases, ...checks] };
    const { written, errors } = writeReports(results, this.options.outDir);
    lastRun.results = results;
    lastRun.reportErrors = errors;
    const out = [
      ...summaryLines(results),
      ...written.map((w) => `  wrote ${w}`),
      ...errors.map((e) => `  REPORT ERROR ${e}`),
    ];
    process.stderr.write(`\n${out.join('\n')}\n`);
  }
}
