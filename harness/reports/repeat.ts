import type { CaseResult, CaseStatus, RunResults } from './model';

/** What a case did in one round, whatever its expectation: ran and passed, ran and failed, or did not run. */
function outcomeOf(c: CaseResult): 'passed' | 'failed' | 'skipped' {
  switch (c.status) {
    case 'passed':
    case 'unexpected-pass':
      return 'passed';
    case 'failed':
    case 'expected-fail':
      return 'failed';
    case 'flaky':
      return c.observed ?? 'passed';
    case 'skipped':
      return 'skipped';
  }
}

/** Worst first: a failure in any round is a failure of the whole, so --repeat can only make the gate stricter. */
const SEVERITY: readonly CaseStatus[] = ['failed', 'unexpected-pass', 'flaky', 'expected-fail', 'passed', 'skipped'];

/**
 * N rounds of the same selection as one result: each case with its worst status over the rounds (a case that failed
 * once failed; one a flaky entry covers stays flaky), its mean duration, and a message that counts its outcomes
 * where they changed. `repeats.changed` lists every case whose outcome changed between rounds, with the counts of
 * each status: the flakiness the run really saw; `repeats.flaky` what each case a flaky entry covers did, changed
 * or not (an entry for a case that failed, or passed, in every round deserves a second look).
 */
export function combineRounds(rounds: readonly RunResults[]): RunResults {
  const first = rounds[0];
  if (!first) throw new Error('no rounds to combine');
  if (rounds.length === 1) return first;
  const byId = new Map<string, CaseResult[]>();
  for (const r of rounds) {
    for (const c of r.cases) {
      const list = byId.get(c.id) ?? [];
      list.push(c);
      byId.set(c.id, list);
    }
  }
  const changed: { id: string; outcomes: Record<string, number> }[] = [];
  const flaky: { id: string; outcomes: Record<string, number> }[] = [];
  const cases: CaseResult[] = [];
  for (const [id, seen] of byId) {
    const statuses: Record<string, number> = {};
    for (const c of seen) {
      // A flaky case's status is the same whatever it did: count what it did.
      const key = c.status === 'flaky' ? `flaky (${c.observed ?? 'passed'})` : c.status;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    const missing = rounds.length - seen.length;
    if (missing > 0) statuses['not reported'] = missing;
    const outcomes = new Set(seen.map(outcomeOf));
    const worst = [...seen].sort((a, b) => SEVERITY.indexOf(a.status) - SEVERITY.indexOf(b.status))[0] as CaseResult;
    const isChanged = outcomes.size > 1 || missing > 0;
    if (isChanged) changed.push({ id, outcomes: statuses });
    const coveredByFlaky = seen.some((c) => c.status === 'flaky');
    if (coveredByFlaky) flaky.push({ id, outcomes: statuses });
    const counts = Object.entries(statuses)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const hint =
      worst.status === 'unexpected-pass' && outcomes.has('failed')
        ? ' (it both failed and passed: its entry should say flaky)'
        : worst.status === 'failed' && outcomes.has('passed')
          ? ' (it both failed and passed: flaky, and not recorded as such)'
          : '';
    cases.push({
      ...worst,
      durationMs: Math.round(seen.reduce((t, c) => t + c.durationMs, 0) / seen.length),
      message:
        isChanged || coveredByFlaky
          ? `over ${rounds.length} rounds: ${counts}${hint}${worst.message ? `; ${worst.message}` : ''}`
          : worst.message,
    });
  }
  return {
    ...first,
    durationMs: rounds.reduce((t, r) => t + r.durationMs, 0),
    cases,
    repeats: { rounds: rounds.length, changed, ...(flaky.length > 0 ? { flaky } : {}) },
  };
}
