import type { ProviderKey } from './providers';

/**
 * What `parsec-conformance bench --operations` measures and writes (bench.json), shared by the bench that makes it and
 * the reports that render it. Keys are stable names (provider, operation, connection count), never positions, so two
 * files from two Parsec versions diff line by line.
 */

/** The operations the bench knows, in the order its tables show them. */
export const BENCH_OPERATIONS = [
  'sign',
  'verify',
  'asymmetric-encrypt',
  'asymmetric-decrypt',
  'generate',
  'import',
  'export-public',
  'export',
  'random',
  'hash',
  'mac',
  'aead-encrypt',
  'aead-decrypt',
  'key-agreement',
] as const;
export type BenchOperation = (typeof BENCH_OPERATIONS)[number];

/** One timed loop: calls made after the warm-up, in a bounded time. Latencies in milliseconds. */
export interface LatencySummary {
  readonly calls: number;
  readonly elapsedMs: number;
  /** Calls per second over all connections. */
  readonly perSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** One cell measured once per round: each round's figures, their per-field median, and the spread across rounds. */
export interface Measurement {
  readonly connections: number;
  readonly rounds: readonly LatencySummary[];
  readonly median: LatencySummary;
  /** (max − min) / median × 100 across the rounds, for p50 and for throughput. */
  readonly spreadPct: { readonly p50: number; readonly perSecond: number };
}

/** The same operation timed without Parsec: what the provider's backend does on its own. */
export interface BackendFigures {
  /** What was timed, e.g. 'SoftHSM2 2.6.1 through PKCS#11 (C_Sign)'. */
  readonly implementation: string;
  /** Keyed by connection count ('1', '4'): the backend's own callers (threads, sessions). */
  readonly byConnections: Readonly<Record<string, Measurement>>;
  /** Anything that makes the comparison less than like for like. */
  readonly note?: string;
}

export interface OperationResult {
  readonly status: 'measured' | 'not-supported' | 'failed';
  /** Why it was not measured, or what failed (the service's status or the backend's error). */
  readonly reason?: string;
  /** When it failed through Parsec: the last lines of Parsec's log at that moment (redacted). */
  readonly serviceLog?: string;
  /**
   * When it failed: the expectation entry that records the failure as a known deviation of the service (case id
   * `<provider>/bench/<operation>`), if one applies to this target.
   */
  readonly knownDeviation?: {
    readonly source: string;
    readonly case: string;
    readonly outcome: string;
    readonly reason: string;
  };
  /** The algorithm and sizes timed, e.g. 'ECDSA P-256 SHA-256 over a 32-byte hash'. */
  readonly workload: string;
  /** Keyed by connection count ('1', '4'). */
  readonly parsec: Readonly<Record<string, Measurement>>;
  readonly backend?: BackendFigures;
  /**
   * Parsec over the backend at one connection: p50 latency ratio, the milliseconds Parsec adds at p50, and the
   * throughput ratio (backend / Parsec).
   */
  readonly overhead?: { readonly p50Ratio: number; readonly addedP50Ms: number; readonly throughputRatio: number };
}

export interface ProviderBench {
  readonly provider: ProviderKey;
  readonly backend: string;
  readonly operations: Readonly<Record<BenchOperation, OperationResult>>;
}

/** The harness's client against a minimal client that sends hand-built bytes, on the same request. */
export interface ClientComparison {
  readonly request: string;
  readonly harness: Measurement;
  readonly raw: Measurement;
  /** Harness p50 over raw p50. */
  readonly p50Ratio: number;
}

export interface BenchGoal {
  readonly goal: string;
  readonly met: boolean;
  readonly detail: string;
}

export interface BenchResult {
  readonly schema: 'parsec-conformance-bench/1';
  readonly parsecVersion: string;
  readonly target: string;
  readonly targetKind: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly settings: {
    readonly warmupMs: number;
    readonly cellMs: number;
    readonly connections: readonly number[];
    readonly rounds: number;
  };
  readonly backends: Readonly<Record<string, string>>;
  readonly providers: Readonly<Partial<Record<ProviderKey, ProviderBench>>>;
  readonly client: Readonly<Record<string, ClientComparison>>;
  /** The bench's keys ListKeys still shows at its end (none when every cleanup worked). */
  readonly keysLeftBehind: readonly string[];
  /** Printed, never asserted: harness client within 10 % of the raw client, figures within 5 % across rounds. */
  readonly goals: readonly BenchGoal[];
}
