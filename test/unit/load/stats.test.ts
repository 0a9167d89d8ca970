import { fitLine, percentile, summarizeLatencies } from '../../../harness/load/stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
    [1, 1],
  ])('p%d of 1..100 is %d', (p, want) => {
    expect(percentile(hundred, p)).toBe(want);
  });

  it('takes the next rank up between ranks: p50 of 4 values is the 2nd, p95 the 4th', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 95)).toBe(40);
  });

  it('is NaN for no values and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow('percentile must be within 0..100, got 101');
  });
});

describe('summarizeLatencies', () => {
  it('sorts, summarises and rounds to 0.01 ms', () => {
    const s = summarizeLatencies([3.333, 1, 2, 10, 4]);
    expect(s).toEqual({ count: 5, minMs: 1, p50Ms: 3.33, p95Ms: 10, p99Ms: 10, maxMs: 10, meanMs: 4.07 });
  });

  it('a single value is every percentile', () => {
    expect(summarizeLatencies([7])).toMatchObject({ count: 1, p50Ms: 7, p99Ms: 7, minMs: 7, maxMs: 7 });
  });
});

describe('fitLine (least squares)', () => {
  it('recovers an exact line', () => {
    const fit = fitLine([0, 1, 2, 3].map((x) => [x, 5 + 2 * x] as const));
    expect(fit?.slope).toBeCloseTo(2, 10);
    expect(fit?.intercept).toBeCloseTo(5, 10);
    expect(fit?.points).toBe(4);
  });

  it('fits noise around a flat line to a slope near zero, and a falling series to a negative slope', () => {
    const flat = fitLine([0, 1, 2, 3, 4, 5].map((x) => [x, 100 + (x % 2 === 0 ? 1 : -1)] as const));
    expect(Math.abs(flat?.slope ?? 1)).toBeLessThan(0.5);
    expect(
      fitLine([
        [0, 10],
        [1, 8],
        [2, 6],
      ])?.slope,
    ).toBeCloseTo(-2, 10);
  });

  it('has no line through fewer than two points or points with one x', () => {
    expect(fitLine([[1, 1]])).toBeUndefined();
    expect(
      fitLine([
        [1, 1],
        [1, 2],
      ]),
    ).toBeUndefined();
  });
});
