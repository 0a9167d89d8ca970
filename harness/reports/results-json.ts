import type { RunResults } from './model';

/** results.json: the machine-readable record later diffs and shard merges read; keys kept in a fixed order. */
export function renderResultsJson(results: RunResults): string {
  const ordered: RunResults = {
    target: results.target,
    startedAt: results.startedAt,
    durationMs: results.durationMs,
    cases: results.cases.map((c) => ({
      id: c.id,
      suite: c.suite,
      ...(c.variant !== undefined ? { variant: c.variant } : {}),
      provider: c.provider,
      opcode: c.opcode,
      title: c.title,
      status: c.status,
      durationMs: c.durationMs,
      message: c.message,
      ...(c.observations ? { observations: c.observations } : {}),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
