import { readFileSync } from 'node:fs';
import { DEFAULT_GROWTH_LIMITS, judgeGrowth, type ResourceSample } from '../../../harness/load/resource-growth';
import { parseVmRss } from '../../../harness/load/service-process';

const MINUTE = 60_000;
/** A 10-minute soak sampled every 5 s: rss(t) and fds(t) in KiB and descriptors, t in ms. */
function series(rss: (t: number) => number, fds: (t: number, i: number) => number): ResourceSample[] {
  return Array.from({ length: 121 }, (_, i) => {
    const atMs = i * 5000;
    return { atMs, rssKiB: Math.round(rss(atMs)), fds: fds(atMs, i) };
  });
}

describe('judgeGrowth', () => {
  it('passes a flat service with jittery descriptors (in-flight connections)', () => {
    const v = judgeGrowth(
      series(
        () => 17_000,
        (_, i) => 5 + (i % 7),
      ),
      10 * MINUTE,
    );
    expect(v).toMatchObject({ judged: true, problems: [], warmupMs: 60_000 });
    expect(v.rssMiBPerHour).toBeCloseTo(0, 5);
  });

  it('fails memory that grows 1 MiB a minute (60 MiB/hour), naming slope, limit and the readings', () => {
    const v = judgeGrowth(
      series(
        (t) => 17_000 + (t / MINUTE) * 1024,
        () => 6,
      ),
      10 * MINUTE,
    );
    expect(v.rssMiBPerHour).toBeCloseTo(60, 1);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatch(
      /^resident memory grows 60 MiB\/hour after the warm-up \(limit 16 MiB\/hour\), 9 MiB over the window/,
    );
  });

  it('leaves a steep but small rise alone: 300 KiB in a 30 s soak is allocator warm-up, not a leak', () => {
    const samples = Array.from({ length: 16 }, (_, i) => ({ atMs: i * 2000, rssKiB: 17_500 + i * 20, fds: 6 }));
    const v = judgeGrowth(samples, 30_000);
    expect(v.rssMiBPerHour).toBeGreaterThan(DEFAULT_GROWTH_LIMITS.maxRssMiBPerHour);
    expect(v.problems).toEqual([]);
  });

  it('excludes the warm-up: a jump in the first minute is not growth', () => {
    const v = judgeGrowth(
      series(
        (t) => (t < MINUTE ? 10_000 + t / 10 : 17_000),
        () => 6,
      ),
      10 * MINUTE,
    );
    expect(v.problems).toEqual([]);
    expect(v.samplesFitted).toBe(109);
  });

  it('fails descriptors whose floor rises (one more kept open every minute)', () => {
    const v = judgeGrowth(
      series(
        () => 17_000,
        (t, i) => 5 + Math.floor(t / MINUTE) + (i % 3),
      ),
      10 * MINUTE,
    );
    expect(v.problems).toEqual([expect.stringMatching(/^open file descriptors grow: at least \d+ in the last third/)]);
    expect(v.fdLastThirdMin).toBeGreaterThan(v.fdFirstThirdMax as number);
  });

  it('does not judge too few samples, and says why', () => {
    const v = judgeGrowth([{ atMs: 0, rssKiB: 1, fds: 1 }], 20_000);
    expect(v.judged).toBe(false);
    expect(v.problems[0]).toMatch(/^0 sample\(s\) after the 2000 ms warm-up, fewer than the 6/);
  });
});

describe('parseVmRss', () => {
  it('reads the VmRSS line of /proc/<pid>/status', () => {
    expect(parseVmRss('Name:\tparsec\nVmPeak:\t  900 kB\nVmRSS:\t   17576 kB\nThreads:\t4\n')).toBe(17576);
  });

  it('reads this process', () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    expect(parseVmRss(status)).toBeGreaterThan(1000);
  });

  it('says what is missing', () => {
    expect(() => parseVmRss('Name:\tkthreadd\n')).toThrow('no VmRSS line');
  });
});
