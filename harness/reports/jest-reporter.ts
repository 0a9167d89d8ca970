import type { AggregatedResult, Reporter, TestContext } from '@jest/reporters';
import type { Config } from '@jest/types';
import { readAllCaseMeta, readCaseData, readCaseSpans, readFailedRequests, readObserved } from '../kit/case-meta';
import { CONTEXT_ENV, readRunContext, serviceLogRedactor, type RunContext } from '../context';
import { caseLogSources, withCaseRecords, withholdPinLines } from './case-logs';
import { harnessInfo, runRecordFromEnv } from './run-record';
import { buildResults } from './build-results';
import { loadExpectations } from '../kit/expectations';
import {
  advertisedOpcodes,
  coverageGaps,
  expectationMatrixChecks,
  keyHygiene,
  todoEntries,
  tokenObjectHygiene,
  unmatchedEntries,
} from './run-checks';
import {
  countByStatus,
  RESULTS_FORMAT_VERSION,
  type CaseResult,
  type RunOptionsRecord,
  type RunResults,
} from './model';
import { caseCountText } from './report-views';
import { writeReports } from './write-reports';

/** Set by the CLI when no --suite selection narrows the run: only then is opcode coverage judged. */
export const FULL_RUN_ENV = 'PARSEC_CONFORMANCE_FULL_RUN';
/** Set by the CLI to `i/n` for `run --shard i/n`: a shard of a full run leaves the run-level checks to `merge`. */
export const SHARD_ENV = 'PARSEC_CONFORMANCE_SHARD';
/** Set by the CLI to 1 for --strict: stale and TODO expectation entries then fail the gate. */
export const STRICT_ENV = 'PARSEC_CONFORMANCE_STRICT';

export interface ConformanceReporterOptions {
  readonly outDir: string;
}

/**
 * Each case with its start, the service's log lines of its span (the run target's log redacted with the target's own
 * secrets; the logs the kit kept were redacted when kept) and, for a failed body, the request it sent last.
 */
function withRecords(cases: readonly CaseResult[], context: RunContext): CaseResult[] {
  const sources = caseLogSources(context.serviceLog, serviceLogRedactor() ?? withholdPinLines, context.outDir);
  return withCaseRecords(cases, readCaseSpans(context.metaDir), readFailedRequests(context.metaDir), sources);
}

/** Lets the CLI read the verdict without parsing files back. */
export const lastRun: { results?: RunResults; reportErrors?: string[] } = {};

/** `jestTests`: Jest's own test count, which the case count is reconciled with where they differ. */
export function summaryLines(results: RunResults, jestTests?: number): string[] {
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
    `Parsec ${results.target.parsecVersion} on the ${results.target.kind} target (${results.target.parsecSource ?? results.target.parsecBinary}), ${caseCountText(results.cases, jestTests)} in ${(results.durationMs / 1000).toFixed(1)} s`,
    ...lines,
    `  total      ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped, ${all['expected-fail']} expected-fail, ${all['unexpected-pass']} unexpected-pass${all.flaky > 0 ? `, ${all.flaky} flaky` : ''}`,
  ];
}

export default class ConformanceReporter implements Pick<Reporter, 'onRunComplete'> {
  constructor(
    private readonly globalConfig: Config.GlobalConfig,
    private readonly options: ConformanceReporterOptions,
  ) {}

  /** A run Jest started without the CLI (`jest --selectProjects conformance`): its options as Jest has them. */
  private fallbackRecord(): RunOptionsRecord {
    return {
      argv: process.argv.slice(2),
      suites: [],
      workers: this.globalConfig.maxWorkers,
      strict: false,
      profiles: [],
    };
  }

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
    const strict = process.env[STRICT_ENV] === '1';
    const shard = process.env[SHARD_ENV] || undefined;
    // Keys the service still knows are destroyed by keyHygiene first; only then is the token compared.
    const keys = await keyHygiene(context);
    const tokenCheck = await tokenObjectHygiene(context);
    const checks = [
      keys,
      ...(tokenCheck ? [tokenCheck] : []),
      ...(fullRun && !shard
        ? [...expectationMatrixChecks(context, metas, strict), ...coverageGaps(context, built.cases)]
        : []),
    ];
    // A shard of a full run is not a partial selection: merge judges these checks on all shards' cases.
    const deferredChecks =
      fullRun && shard
        ? {
            advertised: advertisedOpcodes(context),
            unmatchedEntries: unmatchedEntries(context, metas),
            todoEntries: todoEntries(loadExpectations(context)),
          }
        : undefined;
    const results: RunResults = {
      formatVersion: RESULTS_FORMAT_VERSION,
      harness: harnessInfo(this.globalConfig.rootDir),
      options: runRecordFromEnv() ?? this.fallbackRecord(),
      ...built,
      cases: [...withRecords(built.cases, context), ...checks],
      expectationFiles: appliedFiles(context),
      ...(deferredChecks ? { deferredChecks } : {}),
    };
    const { written, errors } = writeReports(results, this.options.outDir);
    lastRun.results = results;
    lastRun.reportErrors = errors;
    const out = [
      ...summaryLines(results, aggregated.numTotalTests),
      ...written.map((w) => `  wrote ${w}`),
      ...errors.map((e) => `  REPORT ERROR ${e}`),
    ];
    process.stderr.write(`\n${out.join('\n')}\n`);
  }
}

/** The expectation files that apply to this run: Parsec's, the backends' the target reports, and the profiles. */
function appliedFiles(context: RunContext): string[] {
  return loadExpectations(context)
    .filter((f) => f.profile || f.file.product === 'parsec' || context.target.backends[f.file.product] !== undefined)
    .map((f) => f.source);
}
