import { countByStatus, type CaseResult, type CaseStatus, type RunResults } from './model';

/** Timing outliers: a case at least `ratio` times slower (or faster) and at least `minMs` apart. */
export interface DiffOptions {
  readonly timingRatio: number;
  readonly timingMinMs: number;
}

export const DEFAULT_DIFF_OPTIONS: DiffOptions = { timingRatio: 3, timingMinMs: 200 };

/** One case as the two runs saw it; `base` or `head` is absent for a new or a removed case. */
export interface CaseChange {
  readonly id: string;
  readonly title: string;
  readonly base?: CaseStatus;
  readonly head?: CaseStatus;
  /** The head's message (the base's for a removed case): why it failed, was skipped or is a known deviation. */
  readonly message: string;
}

export interface TimingOutlier {
  readonly id: string;
  readonly baseMs: number;
  readonly headMs: number;
  readonly ratio: number;
}

/** One line of the environment: what each run says, and whether they differ. */
export interface EnvironmentRow {
  readonly field: string;
  readonly base: string;
  readonly head: string;
  readonly differs: boolean;
}

export interface RunSide {
  readonly label: string;
  readonly cases: number;
  readonly counts: Record<CaseStatus, number>;
}

export interface RunDiff {
  readonly base: RunSide;
  readonly head: RunSide;
  readonly options: DiffOptions;
  readonly environment: readonly EnvironmentRow[];
  /** Was fine in base (passed, expected-fail, flaky, skipped), fails the gate in head (failed, unexpected-pass). */
  readonly regressions: readonly CaseChange[];
  /** Failed in base, passes in head. */
  readonly fixes: readonly CaseChange[];
  /** A known deviation of base that head no longer shows (expected-fail → unexpected-pass or passed): retire its entry. */
  readonly deviationsGone: readonly CaseChange[];
  /** Every other change of status. */
  readonly changed: readonly CaseChange[];
  readonly added: readonly CaseChange[];
  readonly removed: readonly CaseChange[];
  readonly slower: readonly TimingOutlier[];
  readonly faster: readonly TimingOutlier[];
  readonly unchanged: number;
}

const FINE: readonly CaseStatus[] = ['passed', 'expected-fail', 'flaky', 'skipped'];
const FAILING: readonly CaseStatus[] = ['failed', 'unexpected-pass'];

type Kind = 'regression' | 'fix' | 'deviation-gone' | 'changed';

/** How a change of status between two runs is judged. */
export function classifyChange(base: CaseStatus, head: CaseStatus): Kind {
  if (base === 'expected-fail' && (head === 'unexpected-pass' || head === 'passed')) return 'deviation-gone';
  if (FINE.includes(base) && FAILING.includes(head)) return 'regression';
  if (base === 'failed' && head === 'passed') return 'fix';
  return 'changed';
}

function runLabel(r: RunResults): string {
  return `Parsec ${r.target.parsecVersion} (${r.target.kind})`;
}

function side(r: RunResults, label: string | undefined): RunSide {
  return { label: label ?? runLabel(r), cases: r.cases.length, counts: countByStatus(r.cases) };
}

/** Environment fields of a run, by name; a field a run does not record reads 'unknown' (older results.json). */
function environmentOf(r: RunResults): Map<string, string> {
  const t = r.target;
  const env = new Map<string, string>([
    ['target', t.kind],
    ['Parsec', t.parsecVersion],
    ['Parsec source', t.parsecSource ?? t.parsecBinary ?? 'unknown'],
    ['Parsec package', t.packageVersion ?? 'unknown'],
    ['Parsec features', t.features ? t.features.join(', ') || 'none' : 'unknown'],
  ]);
  // Provider names are sentences ("User space software provider, based on Mbed Crypto - …"): their head is enough.
  for (const p of t.providers) {
    env.set(`provider ${p.id}`, `${p.id === 0 ? 'Core provider' : p.name.split(/,| - /)[0]} ${p.version}`);
  }
  for (const [name, version] of Object.entries(t.backends ?? {})) env.set(name, version);
  env.set('harness', r.harness ? `${r.harness.version}${r.harness.commit ? ` (${r.harness.commit})` : ''}` : 'unknown');
  env.set('results format', String(r.formatVersion ?? 1));
  if (r.options?.shard) env.set('shard', `${r.options.shard.index}/${r.options.shard.count}`);
  if (r.mergedFrom) env.set('merged from', r.mergedFrom.map((m) => m.shard).join(', '));
  return env;
}

function environmentRows(base: RunResults, head: RunResults): EnvironmentRow[] {
  const b = environmentOf(base);
  const h = environmentOf(head);
  const fields = [...new Set([...b.keys(), ...h.keys()])];
  return fields.map((field) => {
    const bv = b.get(field) ?? 'absent';
    const hv = h.get(field) ?? 'absent';
    return { field, base: bv, head: hv, differs: bv !== hv };
  });
}

const ran = (s: CaseStatus): boolean => s !== 'skipped';

function timingOf(b: CaseResult, h: CaseResult, o: DiffOptions): TimingOutlier | undefined {
  if (!ran(b.status) || !ran(h.status)) return undefined;
  const [slow, fast] = h.durationMs >= b.durationMs ? [h.durationMs, b.durationMs] : [b.durationMs, h.durationMs];
  if (slow - fast < o.timingMinMs || slow < o.timingRatio * fast) return undefined;
  const ratio = slow / Math.max(fast, 1); // durations are whole milliseconds; 0 ms reads as 1 ms
  return { id: h.id, baseMs: b.durationMs, headMs: h.durationMs, ratio: Math.round(ratio * 10) / 10 };
}

/** Compares two runs case by case (case ids are stable across targets and Parsec versions). */
export function diffRuns(
  base: RunResults,
  head: RunResults,
  options: DiffOptions = DEFAULT_DIFF_OPTIONS,
  labels: { base?: string; head?: string } = {},
): RunDiff {
  const baseById = new Map(base.cases.map((c) => [c.id, c]));
  const headById = new Map(head.cases.map((c) => [c.id, c]));
  const lists: Record<Kind, CaseChange[]> = { regression: [], fix: [], 'deviation-gone': [], changed: [] };
  const added: CaseChange[] = [];
  const removed: CaseChange[] = [];
  const slower: TimingOutlier[] = [];
  const faster: TimingOutlier[] = [];
  let unchanged = 0;
  for (const h of head.cases) {
    const b = baseById.get(h.id);
    if (!b) {
      added.push({ id: h.id, title: h.title, head: h.status, message: h.message });
      continue;
    }
    const t = timingOf(b, h, options);
    if (t) (t.headMs > t.baseMs ? slower : faster).push(t);
    if (b.status === h.status) {
      unchanged += 1;
      continue;
    }
    lists[classifyChange(b.status, h.status)].push({
      id: h.id,
      title: h.title,
      base: b.status,
      head: h.status,
      message: h.message,
    });
  }
  for (const b of base.cases) {
    if (!headById.has(b.id)) removed.push({ id: b.id, title: b.title, base: b.status, message: b.message });
  }
  const byGap = (x: TimingOutlier, y: TimingOutlier) =>
    Math.abs(y.headMs - y.baseMs) - Math.abs(x.headMs - x.baseMs) || x.id.localeCompare(y.id);
  return {
    base: side(base, labels.base),
    head: side(head, labels.head),
    options,
    environment: environmentRows(base, head),
    regressions: lists.regression,
    fixes: lists.fix,
    deviationsGone: lists['deviation-gone'],
    changed: lists.changed,
    added,
    removed,
    slower: slower.sort(byGap),
    faster: faster.sort(byGap),
    unchanged,
  };
}
