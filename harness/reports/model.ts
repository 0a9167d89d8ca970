/** The outcome vocabulary of a case. Expected failures come from the known-deviation files in fixtures/. */
export const CASE_STATUSES = ['passed', 'failed', 'skipped', 'expected-fail', 'unexpected-pass'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

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

export interface RunResults {
  readonly target: TargetResult;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cases: readonly CaseResult[];
}

export function countByStatus(cases: readonly CaseResult[]): Record<CaseStatus, number> {
  const counts = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const c of cases) counts[c.status] += 1;
  return counts;
}

/** A run is green when nothing failed outright and nothing that was expected to fail passed unnoticed. */
export function runSucceeded(cases: readonly CaseResult[]): boolean {
  return cases.length > 0 && cases.every((c) => c.status !== 'failed' && c.status !== 'unexpected-pass');
}
