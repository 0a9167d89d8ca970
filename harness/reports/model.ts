import type { AppliedExpectation } from '../model/expectation';

/**
 * The outcome vocabulary of a case. Expected failures, flaky cases and skips by expectation come from the expectation
 * matrix in fixtures/expectations/. `flaky`: an entry accepts both outcomes; `observed` says which one this run saw.
 */
export const CASE_STATUSES = ['passed', 'failed', 'skipped', 'expected-fail', 'unexpected-pass', 'flaky'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** results.json's format: bumped whenever a field changes meaning or goes away (adding an optional one does not). */
export const RESULTS_FORMAT_VERSION = 2;

export type { AppliedExpectation } from '../model/expectation';

/** The request a failed case sent last, as far as the harness can say without secrets. */
export interface FailedRequest {
  readonly opcode: string;
  readonly provider: string;
  /** The status the service answered, by name; absent when no answer came. */
  readonly status?: string;
  /** What the request asked for (key name, algorithm), never key material or a secret. */
  readonly summary?: string;
}

export interface CaseResult {
  /** Stable across runs, targets and Parsec versions: `<provider>/<suite>[/<variant>]/<case-slug>`. */
  readonly id: string;
  readonly suite: string;
  /** The suite's variant (one service per configuration), when it has variants. */
  readonly variant?: string;
  readonly provider: string;
  /** Operation name (e.g. 'PsaSignHash'); 'n/a' when a case exercises no single operation. */
  readonly opcode: string;
  readonly title: string;
  readonly status: CaseStatus;
  readonly durationMs: number;
  /** Failure text, skip reason or expected-failure reason; empty when passed. */
  readonly message: string;
  /** What the case observed beyond its status (a PIN matrix cell's statuses and login attempts), when it says. */
  readonly observations?: Readonly<Record<string, unknown>>;
  /** The suite file, relative to the project root (e.g. suites/core/ping.test.ts); absent for the harness's checks. */
  readonly file?: string;
  /** When the case began (ISO 8601), where known. */
  readonly startedAt?: string;
  /** For expected-fail, unexpected-pass and flaky: what the case itself did this time. */
  readonly observed?: 'passed' | 'failed';
  /** The expectation entry that applied, when one did. */
  readonly expectation?: AppliedExpectation;
  /** The service's log lines written during this case's time span (redacted), when the log has timestamps. */
  readonly logLines?: readonly string[];
  /** For a failed case: the request that failed. */
  readonly failedRequest?: FailedRequest;
}

/** The harness that produced a results.json: its version, its commit where it runs from a checkout, its contract. */
export interface HarnessInfo {
  readonly version: string;
  readonly commit?: string;
  /** The protobuf contract the wire client speaks (Parsec's operation definitions, by their version). */
  readonly contract: string;
}

/** How the run was asked for: enough to run it again. Never secrets (variable names only, never their values). */
export interface RunOptionsRecord {
  /** The command line after the program name. */
  readonly argv: readonly string[];
  readonly suites: readonly string[];
  readonly workers: number;
  readonly strict: boolean;
  readonly profiles: readonly string[];
  readonly shard?: { readonly index: number; readonly count: number };
  readonly repeat?: number;
}

/**
 * What ran, whatever the target: its kind, Parsec (version as the service says, source, build features) and every
 * backend's version. Never part of a case id, so runs of one Parsec on two targets diff case by case.
 */
export interface TargetResult {
  readonly kind: string;
  readonly parsecVersion: string;
  readonly parsecBinary: string;
  readonly parsecSource?: string;
  readonly packageVersion?: string;
  readonly features?: readonly string[];
  readonly backends?: Readonly<Record<string, string>>;
  readonly startupMs?: number;
  readonly providers: readonly { id: number; name: string; version: string; uuid?: string }[];
}

/**
 * A shard cannot judge the run-level checks of a full run on its part alone: an operation may be covered by a suite
 * of another shard, an expectation entry may match a case of another shard. It records what they need instead.
 */
export interface DeferredChecks {
  /** Per crypto provider the run asked for, in order: the opcodes it lists (ListOpcodes). */
  readonly advertised: readonly { readonly key: string; readonly listed: readonly number[] }[];
  /** Expectation entries that match no case declared in this shard, as `case (file)`. */
  readonly unmatchedEntries: readonly string[];
  /** Expectation entries whose reason still says TODO, as `case (file)` (the same in every shard). */
  readonly todoEntries?: readonly string[];
}

export interface RunResults {
  readonly formatVersion?: number;
  readonly harness?: HarnessInfo;
  readonly options?: RunOptionsRecord;
  readonly target: TargetResult;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cases: readonly CaseResult[];
  /** The expectation files this run used, in the order they apply (later overrides earlier). */
  readonly expectationFiles?: readonly string[];
  /** Where shards were merged: each shard's results.json, as `i/n` and its start time. */
  readonly mergedFrom?: readonly { readonly shard: string; readonly startedAt: string }[];
  /** A shard of a full run: what `merge` needs to judge the run-level checks on the merged cases. */
  readonly deferredChecks?: DeferredChecks;
  /** With --repeat N: per case whose outcome changed between rounds, how often each outcome was seen. */
  readonly repeats?: {
    readonly rounds: number;
    readonly changed: readonly { readonly id: string; readonly outcomes: Readonly<Record<string, number>> }[];
    /** Every case a flaky entry covers, with what it did in each round (changed or not). */
    readonly flaky?: readonly { readonly id: string; readonly outcomes: Readonly<Record<string, number>> }[];
  };
}

export function countByStatus(cases: readonly CaseResult[]): Record<CaseStatus, number> {
  const counts = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const c of cases) counts[c.status] += 1;
  return counts;
}

/**
 * The gate: green when no case failed. An unexpected pass (a recorded deviation did not show) is reported, and fails
 * the gate only with --strict, which is also when the expectation matrix's own checks (stale and TODO entries) fail.
 */
export function runSucceeded(cases: readonly CaseResult[], strict = false): boolean {
  return cases.length > 0 && cases.every((c) => c.status !== 'failed' && (!strict || c.status !== 'unexpected-pass'));
}
