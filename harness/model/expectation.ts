/** The outcomes an entry of the expectation matrix (fixtures/expectations/) can expect of a case. */
export const OUTCOMES = ['fail', 'flaky', 'skip'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The expectation entry that applied to a case: which file, which outcome, why. */
export interface AppliedExpectation {
  /** The file the entry sits in, relative to the project (or as given with --profile). */
  readonly source: string;
  /** The entry's case pattern. */
  readonly case: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly evidence?: string;
  readonly link?: string;
  /** The largest measurement the entry explains (a soak's growth per hour). */
  readonly atMost?: number;
}
