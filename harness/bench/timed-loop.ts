/**
 * What one timed call returns: nothing, or work to do after the clock stopped (destroying the key a generate made),
 * which is not part of the call's latency.
 */
export type TimedCall = () => Promise<void | (() => Promise<void>)>;

export interface LoopOptions {
  /** Calls in this first stretch are made but not counted (connections, caches, the service's threads warm up). */
  readonly warmupMs: number;
  /**
   * The counted stretch: each connection starts calls until it ends (and at least one counted call), so a cell lasts
   * at most warm-up + measure + one call.
   */
  readonly measureMs: number;
  /** Callers running at once, each with its own requests (the service takes one request per connection). */
  readonly connections: number;
}

export interface LoopSamples {
  readonly samplesNs: number[];
  readonly calls: number;
  readonly elapsedNs: number;
}

const now = (): bigint => process.hrtime.bigint();

/**
 * Runs `call` from `connections` callers at once: a warm-up, then the measured stretch, each call timed on its own.
 * The first failing call ends the loop and is rethrown.
 */
export async function timedLoop(call: TimedCall, o: LoopOptions): Promise<LoopSamples> {
  if (!(o.measureMs > 0) || !(o.warmupMs >= 0) || !(o.connections >= 1)) {
    throw new RangeError(`bad loop: warm-up ${o.warmupMs} ms, measure ${o.measureMs} ms, ${o.connections} connections`);
  }
  const start = now();
  const measureStart = start + BigInt(Math.round(o.warmupMs * 1e6));
  const measureEnd = measureStart + BigInt(Math.round(o.measureMs * 1e6));
  const samplesNs: number[] = [];
  let failure: unknown;
  const caller = async () => {
    let counted = 0;
    while (failure === undefined) {
      const begin = now();
      // Each caller makes at least one counted call, so an operation slower than the cell still gets a figure.
      if (begin >= measureEnd && counted > 0) return;
      let after: void | (() => Promise<void>);
      try {
        after = await call();
      } catch (e) {
        failure ??= e;
        return;
      }
      const end = now();
      if (begin >= measureStart) {
        samplesNs.push(Number(end - begin));
        counted += 1;
      }
      if (after) await after();
    }
  };
  await Promise.all(Array.from({ length: o.connections }, caller));
  if (failure !== undefined) throw failure;
  return { samplesNs, calls: samplesNs.length, elapsedNs: Number(now() - measureStart) };
}

/**
 * Two calls timed alternately from one caller (a, b, a, b, …), so both see the same moments of a busy machine and
 * the service's own timing (its accept loop polls): for comparing two clients on the same request.
 */
export async function timedPair(
  a: TimedCall,
  b: TimedCall,
  o: Omit<LoopOptions, 'connections'>,
): Promise<[LoopSamples, LoopSamples]> {
  if (!(o.measureMs > 0) || !(o.warmupMs >= 0)) {
    throw new RangeError(`bad loop: warm-up ${o.warmupMs} ms, measure ${o.measureMs} ms`);
  }
  const measureStart = now() + BigInt(Math.round(o.warmupMs * 1e6));
  const measureEnd = measureStart + BigInt(Math.round(o.measureMs * 1e6));
  const samples: [number[], number[]] = [[], []];
  const time = async (call: TimedCall, into: number[]) => {
    const begin = now();
    const after = await call();
    const end = now();
    if (begin >= measureStart) into.push(Number(end - begin));
    if (after) await after();
  };
  while (now() < measureEnd || samples[1].length === 0) {
    await time(a, samples[0]);
    await time(b, samples[1]);
  }
  const elapsedNs = Number(now() - measureStart);
  return [
    { samplesNs: samples[0], calls: samples[0].length, elapsedNs },
    { samplesNs: samples[1], calls: samples[1].length, elapsedNs },
  ];
}
