import type { CaseResult, RunResults } from './model';

const RUN_KEYS = [
  'formatVersion',
  'harness',
  'options',
  'target',
  'startedAt',
  'durationMs',
  'expectationFiles',
  'mergedFrom',
  'deferredChecks',
  'repeats',
  'cases',
] as const;

const CASE_KEYS = [
  'id',
  'suite',
  'variant',
  'provider',
  'opcode',
  'title',
  'status',
  'observed',
  'durationMs',
  'startedAt',
  'message',
  'file',
  'expectation',
  'failedRequest',
  'observations',
  'logLines',
] as const;

/** The object's keys in this order, then any other it has; undefined values left out. */
function ordered<T extends object>(value: T, order: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const keys = [...order.filter((k) => k in source), ...Object.keys(source).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]])) as T;
}

/**
 * results.json: the machine-readable record later diffs and shard merges read; keys kept in a fixed order. Its shape
 * is harness/reports/results.schema.json (a test holds the two together): a new field goes into both.
 */
export function renderResultsJson(results: RunResults): string {
  const run = ordered(results, RUN_KEYS);
  return `${JSON.stringify({ ...run, cases: results.cases.map((c: CaseResult) => ordered(c, CASE_KEYS)) }, null, 2)}\n`;
}
