import type { LatencySummary, Measurement } from '../model/bench-result';

/**
 * The p-th percentile (0 < p ≤ 100) of ascending values by the nearest-rank method: the smallest value with at least
 * p % of the values at or below it. Always one of the values, never an interpolation between two.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** Rounds to 4 significant digits, so reports and JSON do not carry timer noise in their last digits. */
export function round4(value: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(4));
}

/**
 * Latency percentiles of the timed calls (nanoseconds) and the throughput of all `calls` over `elapsedNs`. `calls`
 * may exceed the samples kept (a backend helper keeps at most so many per thread); throughput counts every call.
 */
export function summarize(samplesNs: readonly number[], calls: number, elapsedNs: number): LatencySummary {
  if (samplesNs.length === 0 || calls === 0) throw new RangeError('no call completed in the measured time');
  if (elapsedNs <= 0) throw new RangeError(`elapsed time ${elapsedNs} ns is not positive`);
  const ms = samplesNs.map((ns) => ns / 1e6).sort((a, b) => a - b);
  const mean = ms.reduce((sum, v) => sum + v, 0) / ms.length;
  return {
    calls,
    elapsedMs: round4(elapsedNs / 1e6),
    perSecond: round4(calls / (elapsedNs / 1e9)),
    meanMs: round4(mean),
    p50Ms: round4(percentile(ms, 50)),
    p95Ms: round4(percentile(ms, 95)),
    p99Ms: round4(percentile(ms, 99)),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** (max − min) / median, in percent: 0 for a single value. */
export function spreadPct(values: readonly number[]): number {
  const m = median(values);
  if (m === 0) return 0;
  return round4(((Math.max(...values) - Math.min(...values)) / m) * 100);
}

/** The rounds of one cell as a Measurement: each field's median across the rounds, and the spread of p50 and rate. */
export function combineRounds(connections: number, rounds: readonly LatencySummary[]): Measurement {
  const field = (f: keyof LatencySummary) => round4(median(rounds.map((r) => r[f])));
  return {
    connections,
    rounds,
    median: {
      calls: field('calls'),
      elapsedMs: field('elapsedMs'),
      perSecond: field('perSecond'),
      meanMs: field('meanMs'),
      p50Ms: field('p50Ms'),
      p95Ms: field('p95Ms'),
      p99Ms: field('p99Ms'),
    },
    spreadPct: { p50: spreadPct(rounds.map((r) => r.p50Ms)), perSecond: spreadPct(rounds.map((r) => r.perSecond)) },
  };
}

/**
 * Parsec over the backend: p50 latency ratio (>1: Parsec is slower), the milliseconds Parsec adds at p50 (what matters
 * for operations that take microseconds on their own) and the throughput ratio (backend / Parsec).
 */
export function overheadOf(
  parsec: LatencySummary,
  backend: LatencySummary,
): { p50Ratio: number; addedP50Ms: number; throughputRatio: number } {
  return {
    p50Ratio: round4(parsec.p50Ms / backend.p50Ms),
    addedP50Ms: round4(parsec.p50Ms - backend.p50Ms),
    throughputRatio: round4(backend.perSecond / parsec.perSecond),
  };
}
