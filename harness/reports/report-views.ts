import {
  CASE_STATUSES,
  countByStatus,
  type AppliedExpectation,
  type CaseResult,
  type CaseStatus,
  type RunResults,
} from './model';

/**
 * What the people-readable reports (report.html, summary.md) share: how cases group into the matrix, which status a
 * group shows as, and how the expectation entries that applied are gathered.
 */

/** Worst first: the status a group of cases is coloured by is the first of these it holds. */
export const STATUS_SEVERITY: readonly CaseStatus[] = [
  'failed',
  'unexpected-pass',
  'flaky',
  'expected-fail',
  'passed',
  'skipped',
];

/** Short words for a matrix cell; a Record so a new status breaks the build here. */
export const STATUS_SHORT: Readonly<Record<CaseStatus, string>> = {
  passed: 'pass',
  failed: 'FAIL',
  skipped: 'skip',
  'expected-fail': 'xfail',
  'unexpected-pass': 'XPASS',
  flaky: 'flaky',
};

export function worstStatus(counts: Readonly<Record<CaseStatus, number>>): CaseStatus | undefined {
  return STATUS_SEVERITY.find((s) => counts[s] > 0);
}

/** Providers in the order the service lists them, the harness's own checks last. */
export function providerOrder(cases: readonly CaseResult[]): string[] {
  const seen = [...new Set(cases.map((c) => c.provider))];
  const rank = (p: string) => (p === 'harness' ? 2 : p === 'core' ? 0 : 1);
  return seen.sort((a, b) => rank(a) - rank(b) || seen.indexOf(a) - seen.indexOf(b));
}

/** Operations by name, the cases of no single operation ('n/a') last. */
export function opcodeOrder(cases: readonly CaseResult[]): string[] {
  return [...new Set(cases.map((c) => c.opcode))].sort((a, b) =>
    a === 'n/a' ? 1 : b === 'n/a' ? -1 : a.localeCompare(b),
  );
}

export interface MatrixCell {
  readonly counts: Record<CaseStatus, number>;
  readonly total: number;
}

/** Counts per row × column key; rows and columns in the order given. */
export function matrixOf(
  cases: readonly CaseResult[],
  rowOf: (c: CaseResult) => string,
  colOf: (c: CaseResult) => string,
): Map<string, Map<string, MatrixCell>> {
  const groups = new Map<string, Map<string, CaseResult[]>>();
  for (const c of cases) {
    const row = groups.get(rowOf(c)) ?? new Map<string, CaseResult[]>();
    groups.set(rowOf(c), row);
    const cell = row.get(colOf(c)) ?? [];
    row.set(colOf(c), cell);
    cell.push(c);
  }
  const out = new Map<string, Map<string, MatrixCell>>();
  for (const [r, cols] of groups) {
    out.set(r, new Map([...cols].map(([k, cs]) => [k, { counts: countByStatus(cs), total: cs.length }])));
  }
  return out;
}

/** A suite run once per configuration (the PIN matrix's quirk tokens, the admin settings): its variants and cases. */
export interface VariantSuite {
  readonly suite: string;
  readonly variants: readonly string[];
  readonly cases: readonly CaseResult[];
}

export function variantSuites(cases: readonly CaseResult[]): VariantSuite[] {
  const bySuite = new Map<string, CaseResult[]>();
  for (const c of cases) {
    if (c.variant === undefined) continue;
    bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), c]);
  }
  return [...bySuite].map(([suite, cs]) => ({
    suite,
    variants: [...new Set(cs.map((c) => c.variant as string))],
    cases: cs,
  }));
}

/** An expectation entry and the cases it applied to. */
export interface AppliedEntry {
  readonly entry: AppliedExpectation;
  readonly cases: readonly CaseResult[];
}

/**
 * The entries that applied, each with its cases, most cases first. Results from before the expectation matrix carry no
 * entry: their expected failures group by the reason their message starts with (`<reason>; observed: …`).
 */
export function appliedEntries(cases: readonly CaseResult[]): AppliedEntry[] {
  const groups = new Map<string, { entry: AppliedExpectation; cases: CaseResult[] }>();
  for (const c of cases) {
    let entry = c.expectation;
    if (!entry && c.status === 'expected-fail') {
      entry = {
        source: 'unrecorded',
        case: '(not recorded)',
        outcome: 'fail',
        reason: c.message.split('; observed:')[0] as string,
      };
    }
    if (!entry) continue;
    const key = JSON.stringify([entry.source, entry.case, entry.outcome, entry.reason]);
    const group = groups.get(key) ?? { entry, cases: [] };
    groups.set(key, group);
    group.cases.push(c);
  }
  return [...groups.values()].sort((a, b) => b.cases.length - a.cases.length);
}

export function statusCountsText(counts: Readonly<Record<CaseStatus, number>>): string {
  return CASE_STATUSES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

/** The first line of a message, at most `max` characters. */
export function firstLine(message: string, max: number): string {
  const line = message.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The run's environment as label/value pairs, in reading order; what is not recorded is left out. */
export function environmentFacts(r: RunResults): [string, string][] {
  const t = r.target;
  const facts: [string, string | undefined][] = [
    ['Parsec', t.parsecVersion],
    ['source', t.parsecSource],
    ['package', t.packageVersion],
    ['binary', t.parsecBinary],
    ['features', t.features?.join(', ')],
    ['target', t.kind],
    ...Object.entries(t.backends ?? {}).map(([name, v]): [string, string] => [name, v]),
    ['providers', t.providers.map((p) => `${p.id} ${p.name.split(/[,(]/)[0]?.trim()} ${p.version}`).join('; ')],
    ['start-up', t.startupMs !== undefined ? `${t.startupMs} ms` : undefined],
    [
      'harness',
      r.harness
        ? `${r.harness.version}${r.harness.commit ? ` (${r.harness.commit.slice(0, 12)})` : ''}, contract ${r.harness.contract}`
        : undefined,
    ],
    ['options', r.options ? optionsText(r.options) : undefined],
    ['expectations', r.expectationFiles?.join(', ')],
    ['shards', r.mergedFrom?.map((m) => m.shard).join(', ')],
    ['started', r.startedAt],
    ['duration', `${(r.durationMs / 1000).toFixed(1)} s`],
  ];
  return facts.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '');
}

function optionsText(o: NonNullable<RunResults['options']>): string {
  const parts = [
    o.argv.length > 0 ? o.argv.join(' ') : '(defaults)',
    `workers ${o.workers}`,
    ...(o.strict ? ['strict'] : []),
    ...(o.shard ? [`shard ${o.shard.index}/${o.shard.count}`] : []),
    ...(o.repeat !== undefined ? [`repeat ${o.repeat}`] : []),
    ...o.profiles.map((p) => `profile ${p}`),
  ];
  return parts.join(', ');
}

/**
 * How a run's case count reconciles with Jest's test count: "2584 cases (2580 Jest tests + 4 harness checks)". The
 * harness adds cases of its own (run-level checks, a suite file that did not load, cases declared but never reported).
 */
export function caseCountText(cases: readonly CaseResult[], jestTests: number | undefined): string {
  const total = `${cases.length} case${cases.length === 1 ? '' : 's'}`;
  if (jestTests === undefined || jestTests === cases.length) return total;
  const crashed = cases.filter((c) => c.provider === 'harness' && c.id.endsWith('/suite-runs')).length;
  const checks = cases.filter((c) => c.provider === 'harness').length - crashed;
  const unreported = cases.length - jestTests - checks - crashed;
  const parts = [
    `${jestTests} Jest test${jestTests === 1 ? '' : 's'}`,
    ...(checks > 0 ? [`${checks} harness check${checks === 1 ? '' : 's'}`] : []),
    ...(crashed > 0 ? [`${crashed} suite file${crashed === 1 ? '' : 's'} that did not run`] : []),
    ...(unreported > 0 ? [`${unreported} declared but never reported`] : []),
  ];
  if (unreported < 0) return `${total} (Jest counted ${jestTests} tests)`;
  return `${total} (= ${parts.join(' + ')})`;
}
