import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationBench } from '../bench/operation-bench';
import { BENCH_OPERATIONS, type BenchOperation, type BenchResult } from '../model/bench-result';
import { benchHtml, benchMarkdown } from '../reports/bench-report';
import { EXPECTATIONS_DIR, loadExpectationFiles, matchExpectation, type LoadedFile } from '../kit/expectations';
import type { TargetSpec } from '../targets';
import { prepareOutDir } from './out-dir';
import { UsageError } from './run-spec';

export interface OperationBenchFlags {
  readonly out: string;
  readonly cellMs: number;
  readonly warmupMs: number;
  readonly rounds: number;
  readonly connections: number;
  readonly ops?: string;
}

export function parseBenchOperations(text: string | undefined): BenchOperation[] | undefined {
  if (text === undefined) return undefined;
  const ops = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s);
  const unknown = ops.filter((op) => !(BENCH_OPERATIONS as readonly string[]).includes(op));
  if (ops.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--ops: unknown operation ${unknown.join(', ') || "''"}; known: ${BENCH_OPERATIONS.join(', ')}`,
    );
  }
  return ops as BenchOperation[];
}

/**
 * Exit status: 1 when an operation a provider lists failed through Parsec without an expectation entry that records
 * it (case id `<provider>/bench/<operation>`), or a key of the bench was left behind; else 0. Goals never change it.
 */
export function benchExitStatus(result: BenchResult): number {
  if (result.keysLeftBehind.length > 0) return 1;
  for (const p of Object.values(result.providers)) {
    if (p && Object.values(p.operations).some((o) => o.status === 'failed' && !o.knownDeviation)) return 1;
  }
  return 0;
}

/**
 * The bench's own expectation files: its case ids (`<provider>/bench/<operation>`) are no conformance case, so they
 * live apart from the files a run reads (which would report them as stale).
 */
export const BENCH_EXPECTATIONS_DIR = join(EXPECTATIONS_DIR, 'bench');

/** The result with each failed operation's applicable expectation entry (fixtures/expectations/), when there is one. */
export function withKnownDeviations(result: BenchResult, files: readonly LoadedFile[]): BenchResult {
  const facts = { parsecVersion: result.parsecVersion, targetKind: result.targetKind, backends: result.backends };
  const providers: BenchResult['providers'] = Object.fromEntries(
    Object.entries(result.providers).map(([key, p]) => {
      if (!p) return [key, p];
      const operations = Object.fromEntries(
        Object.entries(p.operations).map(([op, o]) => {
          if (o.status !== 'failed') return [op, o];
          const e = matchExpectation(files, `${key}/bench/${op}`, facts);
          if (!e || e.outcome === 'skip') return [op, o];
          return [
            op,
            { ...o, knownDeviation: { source: e.source, case: e.case, outcome: e.outcome, reason: e.reason } },
          ];
        }),
      ) as typeof p.operations;
      return [key, { ...p, operations }];
    }),
  );
  return { ...result, providers };
}

/**
 * `bench --operations`: times every operation per provider, writes bench.json (stable keys, diffable between Parsec
 * versions), bench.md and bench.html into --out, prints the Markdown on stdout and progress on stderr.
 */
export async function runOperationBench(spec: TargetSpec, flags: OperationBenchFlags): Promise<number> {
  const operations = parseBenchOperations(flags.ops);
  const out = prepareOutDir(flags.out);
  const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);
  const measured = await operationBench({
    spec,
    warmupMs: flags.warmupMs,
    cellMs: flags.cellMs,
    connections: flags.connections,
    rounds: flags.rounds,
    operations,
    log,
  });
  const result = withKnownDeviations(measured, loadExpectationFiles([], BENCH_EXPECTATIONS_DIR));
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  const markdown = benchMarkdown(result);
  writeFileSync(join(out, 'bench.md'), markdown);
  writeFileSync(join(out, 'bench.html'), benchHtml(result));
  process.stdout.write(markdown);
  for (const g of result.goals) log(`goal ${g.met ? 'met' : 'NOT MET'}: ${g.goal}: ${g.detail}`);
  if (result.keysLeftBehind.length > 0) log(`keys left behind: ${result.keysLeftBehind.join(', ')}`);
  log(`wrote bench.json, bench.md and bench.html into ${out}`);
  return benchExitStatus(result);
}
