import {
  combineRounds,
  median,
  overheadOf,
  percentile,
  round4,
  spreadPct,
  summarize,
} from '../../../harness/bench/stats';

describe('bench statistics', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  test('percentiles by nearest rank: always one of the values', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    // 10 values: p95 has rank ceil(9.5) = 10, p50 rank 5.
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 95)).toBe(10);
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });

  test('percentile refuses no values and ranks outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow('percentile of no values');
    expect(() => percentile([1], 0)).toThrow('outside (0, 100]');
    expect(() => percentile([1], 101)).toThrow('outside (0, 100]');
  });

  test('summarize: unordered nanoseconds become sorted milliseconds; throughput counts every call', () => {
    const samplesNs = [...oneToHundred].reverse().map((ms) => ms * 1e6);
    const s = summarize(samplesNs, 100, 2e9);
    expect(s).toEqual({ calls: 100, elapsedMs: 2000, perSecond: 50, meanMs: 50.5, p50Ms: 50, p95Ms: 95, p99Ms: 99 });
    // A helper may keep fewer samples than it made calls: the rate uses the calls.
    expect(summarize([1e6, 2e6], 1000, 1e9).perSecond).toBe(1000);
  });

  test('summarize refuses a cell with no completed call or no elapsed time', () => {
    expect(() => summarize([], 0, 1e9)).toThrow('no call completed');
    expect(() => summarize([1], 1, 0)).toThrow('not positive');
  });

  test('median, spread and rounding', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spreadPct([100, 102, 98])).toBe(4);
    expect(spreadPct([5])).toBe(0);
    expect(spreadPct([0, 0])).toBe(0);
    expect(round4(1.234567)).toBe(1.235);
    expect(round4(123456)).toBe(123500);
    expect(round4(0)).toBe(0);
  });

  test('rounds combine field by field into medians, with the spread of p50 and throughput', () => {
    const round = (p50Ms: number, perSecond: number) => ({
      calls: perSecond,
      elapsedMs: 1000,
      perSecond,
      meanMs: p50Ms,
      p50Ms,
      p95Ms: p50Ms * 2,
      p99Ms: p50Ms * 3,
    });
    const m = combineRounds(4, [round(1, 1000), round(1.1, 900), round(0.9, 1100)]);
    expect(m.connections).toBe(4);
    expect(m.rounds).toHaveLength(3);
    expect(m.median).toEqual({
      calls: 1000,
      elapsedMs: 1000,
      perSecond: 1000,
      meanMs: 1,
      p50Ms: 1,
      p95Ms: 2,
      p99Ms: 3,
    });
    expect(m.spreadPct).toEqual({ p50: 20, perSecond: 20 });
  });

  test('overhead: Parsec p50 over backend p50, backend rate over Parsec rate', () => {
    const at = (p50Ms: number, perSecond: number) => ({
      calls: 1,
      elapsedMs: 1,
      perSecond,
      meanMs: 1,
      p50Ms,
      p95Ms: 1,
      p99Ms: 1,
    });
    expect(overheadOf(at(2, 400), at(0.5, 1800))).toEqual({ p50Ratio: 4, addedP50Ms: 1.5, throughputRatio: 4.5 });
  });
});
