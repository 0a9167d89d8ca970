import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseExpectationFile, type ExpectationEntry, type ExpectationFile } from '../kit/expectations';
import type { CaseResult, RunResults } from '../reports/model';

export const TODO_REASON =
  'TODO: say why this is a deviation of the service and not a harness bug: what a correct service does, what this one does instead (fails --strict until written)';

export interface ExpectationUpdate {
  readonly file: string;
  /** Case ids that failed without an entry: added as TODO entries. */
  readonly added: readonly string[];
  /** Expected failures this run saw again: their entries stay as they are, reasons and all. */
  readonly kept: number;
  /** Entries (pattern → case ids) whose cases passed this time: left in place for a person to judge. */
  readonly notSeen: readonly string[];
}

function evidenceOf(c: CaseResult, results: RunResults): string {
  const first = c.message.split('\n').find((l) => l.trim() !== '') ?? c.message;
  const text = first.length > 400 ? `${first.slice(0, 400)}…` : first;
  return `Parsec ${results.target.parsecVersion} on the ${results.target.kind} target (${results.startedAt}): ${text}`;
}

/**
 * Writes the run's deviations back into an expectation file: every case that failed and has no entry there becomes a
 * TODO entry for this Parsec version and target kind, with what the run observed as its evidence. Entries that held
 * (expected failures seen again) keep their reasons untouched; entries whose cases passed are only reported, as
 * they may still hold elsewhere (another version, target or token). The harness's own checks are never written.
 */
export async function updateExpectations(results: RunResults, path: string): Promise<ExpectationUpdate> {
  const existing: ExpectationFile = existsSync(path)
    ? parseExpectationFile(readFileSync(path, 'utf8'), path)
    : { product: basename(path, '.json'), entries: [] };
  const entries: ExpectationEntry[] = [...existing.entries];
  const added: string[] = [];
  let kept = 0;
  const notSeen: string[] = [];
  for (const c of results.cases) {
    if (c.provider === 'harness') continue;
    if (c.status === 'expected-fail') kept += 1;
    if (c.status === 'unexpected-pass') notSeen.push(`${c.expectation?.case ?? c.id} → ${c.id}`);
    if (c.status !== 'failed' || entries.some((e) => e.case === c.id)) continue;
    entries.push({
      case: c.id,
      outcome: 'fail',
      reason: TODO_REASON,
      evidence: evidenceOf(c, results),
      when: { parsec: results.target.parsecVersion, target: [results.target.kind] },
    });
    added.push(c.id);
  }
  const updated: ExpectationFile = { ...existing, entries };
  writeFileSync(path, await formatJson(updated, path));
  return { file: path, added, kept, notSeen };
}

/** JSON as the project's formatter (prettier) writes it, so a rewritten file is a clean diff; plain JSON without it. */
async function formatJson(value: unknown, path: string): Promise<string> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(path)) ?? {};
    return await prettier.format(text, { ...config, filepath: path });
  } catch {
    return text;
  }
}
