import type { BenchGoal, BenchResult, Measurement } from '../model/bench-result';

/** The harness client's p50 may be at most this much above the raw client's. */
export const CLIENT_GOAL_RATIO = 1.1;
/** Each cell's p50 and throughput may spread at most this much (percent) across the rounds. */
export const SPREAD_GOAL_PCT = 5;

/** Every measured cell of a result, named `provider/operation/side ×connections`. */
export function cellsOf(r: Omit<BenchResult, 'goals'>): Array<[string, Measurement]> {
  const cells: Array<[string, Measurement]> = [];
  for (const p of Object.values(r.providers)) {
    if (!p) continue;
    for (const [op, result] of Object.entries(p.operations)) {
      for (const [c, m] of Object.entries(result.parsec)) cells.push([`${p.provider}/${op}/parsec ×${c}`, m]);
      for (const [c, m] of Object.entries(result.backend?.byConnections ?? {}))
        cells.push([`${p.provider}/${op}/backend ×${c}`, m]);
    }
  }
  for (const [key, cmp] of Object.entries(r.client)) {
    cells.push([`client/${key}/harness`, cmp.harness], [`client/${key}/raw`, cmp.raw]);
  }
  return cells;
}

/** The goals the bench prints (never asserts): they say how far to trust the figures, not whether Parsec is good. */
export function benchGoals(r: Omit<BenchResult, 'goals'>): BenchGoal[] {
  const goals: BenchGoal[] = [];
  for (const [key, cmp] of Object.entries(r.client)) {
    goals.push({
      goal: `harness client within ${Math.round((CLIENT_GOAL_RATIO - 1) * 100)} % of the raw client (${key}, p50)`,
      met: cmp.p50Ratio <= CLIENT_GOAL_RATIO,
      detail: `harness ${cmp.harness.median.p50Ms} ms, raw ${cmp.raw.median.p50Ms} ms: ×${cmp.p50Ratio}`,
    });
  }
  if (r.settings.rounds >= 2) {
    const cells = cellsOf(r);
    const worst = (m: Measurement) => Math.max(m.spreadPct.p50, m.spreadPct.perSecond);
    const outside = cells.filter(([, m]) => worst(m) > SPREAD_GOAL_PCT).sort((a, b) => worst(b[1]) - worst(a[1]));
    const shown = outside
      .slice(0, 5)
      .map(([name, m]) => `${name} ${worst(m)} %`)
      .join(', ');
    goals.push({
      goal: `figures within ${SPREAD_GOAL_PCT} % across ${r.settings.rounds} rounds (p50 and throughput of every cell)`,
      met: outside.length === 0,
      detail: `${cells.length - outside.length} of ${cells.length} cells within${outside.length ? `; widest: ${shown}` : ''}`,
    });
  }
  return goals;
}
