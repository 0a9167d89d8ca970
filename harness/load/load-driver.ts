import { setTimeout as sleep } from 'node:timers/promises';
import { TransportError } from '../wire';
import type { MixOperation, TimeRequest } from './operation-mix';
import { summarizeLatencies, type LatencySummary } from './stats';

/**
 * Drives a mix of operations from several clients at once, the way Parsec's own stress test does (reference C4): each
 * client picks an operation at random, waits `intervalMs ± jitterMs` (uniform) between requests, and stops after
 * `requestsPerClient` requests or at the deadline, whichever comes first; a checker runs a sign-and-verify round trip
 * (or whatever operations it is given) every `checkEveryMs`. Every answer is checked by the operation itself; a
 * failure is kept with its operation and kind: `lost` (no answer: the connection failed or timed out) or `wrong`.
 */
export interface LoadPlan {
  readonly clients: number;
  readonly requestsPerClient: number;
  /** Hard stop, whatever the count. */
  readonly maxDurationMs: number;
  readonly intervalMs: number;
  readonly jitterMs: number;
  readonly checkEveryMs: number;
  /** Gives up after this many lost answers in a row (the service is gone); the failures say so. */
  readonly maxConsecutiveLost: number;
  /** A random source in [0, 1) (tests pass their own). */
  readonly random?: () => number;
  /** Called with a short line every ~10 s of a long run. */
  readonly progress?: (line: string) => void;
}

/** Parsec's stress-test knobs (reference C4), with the harness's bounds. */
export const STRESS_TEST_PLAN: Omit<LoadPlan, 'clients' | 'maxDurationMs'> = {
  requestsPerClient: 250,
  intervalMs: 10,
  jitterMs: 4,
  checkEveryMs: 500,
  maxConsecutiveLost: 50,
};

export type FailureKind = 'lost' | 'wrong';

export interface LoadFailure {
  readonly operation: string;
  readonly provider: string;
  readonly category: string;
  readonly kind: FailureKind;
  readonly message: string;
  /** Milliseconds since the start of the load. */
  readonly atMs: number;
  /** Set by the checker. */
  readonly checker?: boolean;
}

export interface LoadResult {
  readonly clients: number;
  readonly elapsedMs: number;
  /** Operations run (each one or more requests). */
  readonly operations: number;
  /** Requests sent and answered or lost. */
  readonly requests: number;
  readonly answersChecked: number;
  readonly lost: number;
  readonly wrong: number;
  readonly checks: { readonly runs: number; readonly failed: number };
  /** Per request label (e.g. 'mbed PsaSignHash RSA 2048 PKCS#1 v1.5 SHA-256'), latencies of every request. */
  readonly latency: Readonly<Record<string, LatencySummary>>;
  /** Per operation: how often it ran and how often it failed. */
  readonly perOperation: Readonly<Record<string, { readonly runs: number; readonly failed: number }>>;
  /** The failures, the first 200 of them (counts are complete). */
  readonly failures: readonly LoadFailure[];
  /** Why the load stopped early, if it did. */
  readonly stoppedEarly?: string;
}

const KEEP_FAILURES = 200;

/** Runs the plan over `operations` (each client picks among all of them). */
export async function driveLoad(
  operations: readonly MixOperation[],
  plan: LoadPlan,
  checks: readonly MixOperation[] = [],
): Promise<LoadResult> {
  if (operations.length === 0) throw new Error('a load run needs at least one operation; the providers offered none');
  const random = plan.random ?? Math.random;
  const started = Date.now();
  const deadline = started + plan.maxDurationMs;
  const latencies = new Map<string, number[]>();
  const perOperation = new Map<string, { runs: number; failed: number }>();
  const failures: LoadFailure[] = [];
  let requests = 0;
  let operationsRun = 0;
  let lost = 0;
  let wrong = 0;
  let consecutiveLost = 0;
  let stoppedEarly: string | undefined;
  const checkStats = { runs: 0, failed: 0 };

  const runOne = async (op: MixOperation, checker: boolean): Promise<number> => {
    let sent = 0;
    const time: TimeRequest = async (label, call) => {
      sent += 1;
      const t0 = performance.now();
      const out = await call();
      const key = `${op.provider} ${label}`;
      let list = latencies.get(key);
      if (!list) latencies.set(key, (list = []));
      list.push(performance.now() - t0);
      return out;
    };
    const stats = perOperation.get(op.name) ?? { runs: 0, failed: 0 };
    perOperation.set(op.name, stats);
    stats.runs += 1;
    operationsRun += 1;
    if (checker) checkStats.runs += 1;
    try {
      await op.run(time);
      consecutiveLost = 0;
    } catch (e) {
      stats.failed += 1;
      if (checker) checkStats.failed += 1;
      // No answer: the socket failed or timed out, or the client's request gate held back an operation seen to hang.
      const kind: FailureKind =
        e instanceof TransportError || (e as Error).name === 'RequestRefusedError' ? 'lost' : 'wrong';
      if (kind === 'lost') {
        lost += 1;
        consecutiveLost += 1;
        if (consecutiveLost >= plan.maxConsecutiveLost && stoppedEarly === undefined) {
          stoppedEarly = `${consecutiveLost} answers in a row were lost: the service no longer answers`;
        }
      } else {
        wrong += 1;
        consecutiveLost = 0;
      }
      if (failures.length < KEEP_FAILURES) {
        failures.push({
          operation: op.name,
          provider: op.provider,
          category: op.category,
          kind,
          message: (e as Error).message,
          atMs: Date.now() - started,
          ...(checker ? { checker: true } : {}),
        });
      }
    }
    requests += Math.max(sent, 1);
    return Math.max(sent, 1);
  };

  const going = (): boolean => Date.now() < deadline && stoppedEarly === undefined;
  const pause = (): Promise<unknown> => sleep(Math.max(0, plan.intervalMs + (random() * 2 - 1) * plan.jitterMs));

  const client = async (): Promise<void> => {
    for (let sent = 0; sent < plan.requestsPerClient && going();) {
      const op = operations[Math.floor(random() * operations.length)] as MixOperation;
      sent += await runOne(op, false);
      if (going()) await pause();
    }
  };
  let clientsDone = false;
  const checker = async (): Promise<void> => {
    for (let i = 0; checks.length > 0 && !clientsDone && going(); i += 1) {
      await sleep(plan.checkEveryMs);
      if (clientsDone || !going()) break;
      await runOne(checks[i % checks.length] as MixOperation, true);
    }
  };
  let lastProgress = started;
  const progress = plan.progress
    ? setInterval(() => {
        if (Date.now() - lastProgress < 10_000) return;
        lastProgress = Date.now();
        plan.progress?.(
          `${Math.round((Date.now() - started) / 1000)} s: ${requests} requests, ${lost} lost, ${wrong} wrong`,
        );
      }, 1000)
    : undefined;
  try {
    const checking = checker();
    await Promise.all(Array.from({ length: plan.clients }, client));
    clientsDone = true;
    await checking;
  } finally {
    if (progress) clearInterval(progress);
  }
  const latency: Record<string, LatencySummary> = {};
  for (const key of [...latencies.keys()].sort()) latency[key] = summarizeLatencies(latencies.get(key) as number[]);
  return {
    clients: plan.clients,
    elapsedMs: Date.now() - started,
    operations: operationsRun,
    requests,
    answersChecked: requests - lost,
    lost,
    wrong,
    checks: checkStats,
    latency,
    perOperation: Object.fromEntries([...perOperation.entries()].sort(([a], [b]) => a.localeCompare(b))),
    failures,
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
}
