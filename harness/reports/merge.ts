import type { CaseResult, CaseStatus, DeferredChecks, RunResults, TargetResult } from './model';
import { RESULTS_FORMAT_VERSION } from './model';
import { coverageGapsOf, expectationChecksOf } from './run-checks';

/** Results that cannot be one run: the message names the inputs, what differs and what to do. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

export interface MergeInput {
  /** Where it came from (a path), for messages. */
  readonly source: string;
  readonly results: RunResults;
}

export interface MergeOptions {
  /** Merge shards of a run even when some are missing (the merged run is then a partial one). */
  readonly allowPartial?: boolean;
}

/** Worst first: a run-level check seen by several shards takes its worst outcome. */
const SEVERITY: readonly CaseStatus[] = ['failed', 'unexpected-pass', 'flaky', 'expected-fail', 'passed', 'skipped'];

const shardOf = (r: RunResults): string | undefined =>
  r.options?.shard ? `${r.options.shard.index}/${r.options.shard.count}` : undefined;

/** A run whose target never came up: its one case says so, and its target is unknown. */
const failedStart = (r: RunResults): boolean =>
  r.target.parsecVersion === 'unknown' && r.cases.some((c) => c.id === 'harness/target/starts');

function harnessOf(r: RunResults): string {
  return r.harness ? `${r.harness.version}${r.harness.commit ? ` (commit ${r.harness.commit})` : ''}` : 'unknown';
}

/** What makes two runs the same target: not where the binary sat on the CI machine, nor how long it took to start. */
function targetIdentity(t: TargetResult): Record<string, string> {
  return {
    'target kind': t.kind,
    'Parsec version': t.parsecVersion,
    'Parsec source': t.parsecSource ?? '',
    'Parsec package': t.packageVersion ?? '',
    'Parsec features': (t.features ?? []).join(','),
    providers: t.providers.map((p) => `${p.id}:${p.name} ${p.version}`).join(', '),
    ...Object.fromEntries(Object.entries(t.backends ?? {}).map(([k, v]) => [`backend ${k}`, v])),
  };
}

function refuseDifferent(
  inputs: readonly MergeInput[],
  what: string,
  key: (r: RunResults) => string,
  fix: string,
): void {
  const first = inputs[0] as MergeInput;
  const other = inputs.find((i) => key(i.results) !== key(first.results));
  if (other) {
    throw new MergeError(
      `${other.source} and ${first.source} come from different ${what}: ${key(other.results)} vs ${key(first.results)}; ${fix}`,
    );
  }
}

function checkCompatible(inputs: readonly MergeInput[], started: readonly MergeInput[]): void {
  refuseDifferent(
    inputs,
    'harness versions',
    harnessOf,
    'merge only the shards of one run, made by one checkout of parsec-conformance',
  );
  if (started.length === 0) return;
  const first = started[0] as MergeInput;
  const want = targetIdentity(first.results.target);
  for (const i of started.slice(1)) {
    const got = targetIdentity(i.results.target);
    const field = [...new Set([...Object.keys(want), ...Object.keys(got)])].find((k) => want[k] !== got[k]);
    if (field !== undefined) {
      throw new MergeError(
        `${i.source} and ${first.source} ran against different targets (${field}: ${got[field] ?? 'absent'} vs ${want[field] ?? 'absent'}); merge only the shards of one run, and compare different targets with parsec-conformance diff`,
      );
    }
  }
}

/** Which shards were given: each at most once, all of one count, none missing unless allowed. */
function checkShards(inputs: readonly MergeInput[], o: MergeOptions): string[] {
  const seen = new Map<string, string>();
  for (const i of inputs) {
    const shard = shardOf(i.results);
    if (shard === undefined) continue;
    const twice = seen.get(shard);
    if (twice) throw new MergeError(`shard ${shard} is given twice (${twice} and ${i.source}); give each shard once`);
    seen.set(shard, i.source);
  }
  if (seen.size === 0) return [];
  refuseDifferent(
    inputs.filter((i) => shardOf(i.results) !== undefined),
    'shardings',
    (r) => `${r.options?.shard?.count} shards`,
    'merge the shards of one sharded run',
  );
  const count = (inputs.find((i) => i.results.options?.shard)?.results.options?.shard?.count ?? 0) as number;
  const missing = Array.from({ length: count }, (_, k) => `${k + 1}/${count}`).filter((s) => !seen.has(s));
  if (missing.length > 0 && !o.allowPartial) {
    throw new MergeError(
      `shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} missing: give every shard's results.json (a shard whose job failed still writes one), or --allow-partial to merge what is there`,
    );
  }
  return missing;
}

/**
 * The cases of all inputs: a case of the conformance suites is in one shard only (the same id twice must agree); a
 * run-level check of the harness (key hygiene) ran in every shard and takes its worst outcome.
 */
function mergeCases(inputs: readonly MergeInput[]): CaseResult[] {
  const byId = new Map<string, { c: CaseResult; source: string; all: { c: CaseResult; source: string }[] }>();
  const order: string[] = [];
  for (const { source, results } of inputs) {
    for (const c of results.cases) {
      const had = byId.get(c.id);
      if (!had) {
        byId.set(c.id, { c, source, all: [{ c, source }] });
        order.push(c.id);
        continue;
      }
      if (c.provider !== 'harness' && had.c.status !== c.status) {
        throw new MergeError(
          `case ${c.id} is ${had.c.status} in ${had.source} but ${c.status} in ${source}: these are not shards of one run (each case runs in exactly one shard)`,
        );
      }
      had.all.push({ c, source });
    }
  }
  return order.map((id) => {
    const { c, all } = byId.get(id) as { c: CaseResult; all: { c: CaseResult; source: string }[] };
    if (all.length === 1 || c.provider !== 'harness') return c;
    const worst = SEVERITY.find((s) => all.some((a) => a.c.status === s)) as CaseStatus;
    const messages = all.filter((a) => a.c.message !== '').map((a) => `${a.source}: ${a.c.message}`);
    return {
      ...c,
      status: worst,
      durationMs: all.reduce((n, a) => n + a.c.durationMs, 0),
      message: messages.join('\n'),
    };
  });
}

/** The run-level checks of a full run, judged on the merged cases, when every shard left what they need. */
function judgeDeferred(inputs: readonly MergeInput[], cases: readonly CaseResult[]): CaseResult[] {
  const deferred = inputs.map((i) => i.results.deferredChecks);
  if (deferred.length === 0 || deferred.some((d) => d === undefined)) return [];
  const all = deferred as DeferredChecks[];
  const stale = all.map((d) => new Set(d.unmatchedEntries)).reduce((a, b) => new Set([...a].filter((e) => b.has(e))));
  const first = all[0] as DeferredChecks;
  const strict = inputs[0]?.results.options?.strict ?? false;
  return [
    ...expectationChecksOf([...stale], first.todoEntries ?? [], strict),
    ...coverageGapsOf(first.advertised, cases),
  ];
}

/**
 * Several results.json of one run (its shards, as CI jobs wrote them) as one: the cases of all, the run-level checks
 * judged on all, and where each part came from. Refuses what is not one run.
 */
export function mergeRuns(inputs: readonly MergeInput[], o: MergeOptions = {}): RunResults {
  if (inputs.length === 0) throw new MergeError('nothing to merge: give the results.json of each shard');
  const sorted = [...inputs].sort(
    (a, b) => (a.results.options?.shard?.index ?? 0) - (b.results.options?.shard?.index ?? 0),
  );
  const started = sorted.filter((i) => !failedStart(i.results));
  checkCompatible(sorted, started);
  const missing = checkShards(sorted, o);
  const merged = mergeCases(sorted);
  // Judged only on a whole run: every shard there, each started and each a shard of a full run.
  const whole = missing.length === 0 && started.length === sorted.length;
  const cases = [...merged, ...(whole ? judgeDeferred(sorted, merged) : [])];
  const first = (started[0] ?? sorted[0]) as MergeInput;
  const begin = Math.min(...sorted.map((i) => Date.parse(i.results.startedAt)));
  const end = Math.max(...sorted.map((i) => Date.parse(i.results.startedAt) + i.results.durationMs));
  const { shard: _shard, ...options } = first.results.options ?? ({} as NonNullable<RunResults['options']>);
  const expectationFiles = [...new Set(sorted.flatMap((i) => i.results.expectationFiles ?? []))];
  const { deferredChecks: _deferred, mergedFrom: _merged, repeats: _repeats, ...rest } = first.results;
  const repeats = sorted.flatMap((i) => (i.results.repeats ? [i.results.repeats] : []));
  return {
    ...rest,
    formatVersion: RESULTS_FORMAT_VERSION,
    ...(first.results.options ? { options: { ...options, argv: withoutShard(options.argv ?? []) } } : {}),
    startedAt: new Date(begin).toISOString(),
    durationMs: Math.max(0, end - begin),
    cases,
    ...(expectationFiles.length > 0 ? { expectationFiles } : {}),
    mergedFrom: sorted.flatMap(
      (i) => i.results.mergedFrom ?? [{ shard: shardOf(i.results) ?? i.source, startedAt: i.results.startedAt }],
    ),
    ...(repeats.length > 0
      ? {
          repeats: {
            rounds: Math.max(...repeats.map((r) => r.rounds)),
            changed: repeats.flatMap((r) => r.changed),
          },
        }
      : {}),
  };
}

/** The command line of a shard, as that of the whole run. */
function withoutShard(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k] as string;
    if (a === '--shard') k += 1;
    else if (!a.startsWith('--shard=')) out.push(a);
  }
  return out;
}
