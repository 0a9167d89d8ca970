import { timedLoop, timedPair } from '../../../harness/bench/timed-loop';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('timed loop', () => {
  test('warm-up calls are made but not counted; the cell ends near warm-up + measure', async () => {
    let made = 0;
    const started = Date.now();
    const s = await timedLoop(
      async () => {
        made += 1;
        await sleep(5);
      },
      { warmupMs: 50, measureMs: 100, connections: 1 },
    );
    const took = Date.now() - started;
    expect(s.calls).toBe(s.samplesNs.length);
    expect(s.calls).toBeGreaterThan(3);
    expect(made).toBeGreaterThan(s.calls); // the warm-up's calls
    expect(took).toBeGreaterThanOrEqual(145);
    expect(took).toBeLessThan(1000);
    for (const ns of s.samplesNs) expect(ns).toBeGreaterThanOrEqual(4e6);
    expect(s.elapsedNs).toBeGreaterThanOrEqual(100e6);
  });

  test('N connections call at once: about N times the calls of one', async () => {
    const call = () => sleep(10);
    const one = await timedLoop(call, { warmupMs: 0, measureMs: 150, connections: 1 });
    const four = await timedLoop(call, { warmupMs: 0, measureMs: 150, connections: 4 });
    expect(four.calls).toBeGreaterThan(one.calls * 2.5);
  });

  test('work returned by a call runs after the clock stopped', async () => {
    let afterRuns = 0;
    const s = await timedLoop(
      async () => async () => {
        afterRuns += 1;
        await sleep(100);
      },
      { warmupMs: 0, measureMs: 150, connections: 1 },
    );
    expect(afterRuns).toBeGreaterThanOrEqual(s.calls);
    // Each counted call resolves at once; the 100 ms of after-work would dominate any sample it leaked into.
    for (const ns of s.samplesNs) expect(ns).toBeLessThan(60e6);
  });

  test('a call slower than the cell still gives each connection one counted call', async () => {
    const s = await timedLoop(() => sleep(80), { warmupMs: 10, measureMs: 20, connections: 2 });
    expect(s.calls).toBeGreaterThanOrEqual(2);
  });

  test('the first failing call ends the loop and is rethrown', async () => {
    let n = 0;
    await expect(
      timedLoop(
        async () => {
          n += 1;
          if (n === 3) throw new Error('PsaErrorGenericError');
        },
        { warmupMs: 0, measureMs: 1000, connections: 2 },
      ),
    ).rejects.toThrow('PsaErrorGenericError');
  });

  test('bad settings are refused', async () => {
    await expect(timedLoop(async () => undefined, { warmupMs: 0, measureMs: 0, connections: 1 })).rejects.toThrow(
      'bad loop',
    );
    await expect(timedLoop(async () => undefined, { warmupMs: 0, measureMs: 10, connections: 0 })).rejects.toThrow(
      'bad loop',
    );
  });
});

describe('timed pair', () => {
  test('two calls alternate, each timed on its own, over the same stretch', async () => {
    const order: string[] = [];
    const [a, b] = await timedPair(
      async () => {
        order.push('a');
        await sleep(2);
      },
      async () => {
        order.push('b');
        await sleep(30);
      },
      { warmupMs: 10, measureMs: 150 },
    );
    expect(order.join('')).toMatch(/^(ab)+$/);
    expect(Math.abs(a.calls - b.calls)).toBeLessThanOrEqual(1);
    expect(a.elapsedNs).toBe(b.elapsedNs);
    const p50 = (s: number[]) => [...s].sort((x, y) => x - y)[Math.floor(s.length / 2)]!;
    expect(p50(b.samplesNs)).toBeGreaterThan(p50(a.samplesNs));
  });
});
