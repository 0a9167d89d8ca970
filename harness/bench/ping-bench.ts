import { startTarget, type TargetSpec } from '../targets';
import { ParsecClient } from '../wire';

export interface PingBenchOptions {
  /** What to bring up: the same spec a run takes (native or containers). */
  readonly spec: TargetSpec;
  /** Bring-ups to time (each a full start and stop). */
  readonly startups: number;
  /** Seconds per Ping measurement. */
  readonly seconds: number;
  readonly concurrency: number;
  readonly log: (line: string) => void;
}

export interface PingBenchResult {
  readonly target: string;
  readonly parsecVersion: string;
  readonly startupMs: number[];
  readonly sequential: { pings: number; perSecond: number };
  readonly concurrent: { connections: number; pings: number; perSecond: number };
}

/** Round trips in a bounded time; every request is its own connection, as the service requires. */
async function pingFor(client: ParsecClient, ms: number, connections: number): Promise<number> {
  const deadline = Date.now() + ms;
  let count = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        await client.ping();
        count += 1;
      }
    }),
  );
  return count;
}

export async function pingBench(o: PingBenchOptions): Promise<PingBenchResult> {
  // A first start sets up what is missing (packages, images), so the timed starts measure bring-up only.
  const warm = await startTarget(o.spec, { log: o.log });
  await warm.stop();
  const startupMs: number[] = [];
  for (let i = 0; i < o.startups; i += 1) {
    const t = await startTarget(o.spec);
    startupMs.push(t.startupMs);
    o.log(`bring-up ${i + 1}: ${t.startupMs} ms`);
    await t.stop();
  }
  const target = await startTarget(o.spec);
  try {
    const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
    const core = (await client.listProviders()).find((p) => p.id === 0);
    await pingFor(client, 200, 1); // warm-up
    const seq = await pingFor(client, o.seconds * 1000, 1);
    o.log(`sequential: ${seq} pings in ${o.seconds} s`);
    const conc = await pingFor(client, o.seconds * 1000, o.concurrency);
    o.log(`${o.concurrency} connections: ${conc} pings in ${o.seconds} s`);
    return {
      target: `${target.kind} (${target.versions.parsec.source})`,
      parsecVersion: `${core?.versionMaj}.${core?.versionMin}.${core?.versionRev}`,
      startupMs,
      sequential: { pings: seq, perSecond: Math.round(seq / o.seconds) },
      concurrent: { connections: o.concurrency, pings: conc, perSecond: Math.round(conc / o.seconds) },
    };
  } finally {
    await target.stop();
  }
}
