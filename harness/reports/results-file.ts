import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_STATUSES, RESULTS_FORMAT_VERSION, type RunResults } from './model';

/** A results.json that cannot be read as one: the message says which file, what is wrong and how to fix it. */
export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

const HOW = 'pass the results.json a run wrote (`parsec-conformance run --out DIR` writes DIR/results.json)';

/** A results.json, or the one in a report folder. */
export function resultsPathOf(fileOrDir: string): string {
  return existsSync(fileOrDir) && statSync(fileOrDir).isDirectory() ? join(fileOrDir, 'results.json') : fileOrDir;
}

/** Reads and checks a results.json (or a report folder holding one) far enough for a diff or a merge to trust it. */
export function readResultsFile(fileOrDir: string): RunResults {
  const path = resultsPathOf(fileOrDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${(e as Error).message})`;
    throw new ResultsFileError(`${path} ${what}: ${HOW}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ResultsFileError(`${path} is not JSON (${(e as Error).message}): ${HOW}`);
  }
  const problem = resultsProblem(data);
  if (problem) throw new ResultsFileError(`${path} is not a results.json of parsec-conformance: ${problem}; ${HOW}`);
  const results = data as RunResults;
  if ((results.formatVersion ?? 1) > RESULTS_FORMAT_VERSION) {
    throw new ResultsFileError(
      `${path} has format version ${results.formatVersion}, this harness reads up to ${RESULTS_FORMAT_VERSION}: use the parsec-conformance that wrote it, or a newer one`,
    );
  }
  return results;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What makes `data` unusable as RunResults, or undefined when it is usable. */
export function resultsProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'expected a JSON object';
  const target = data['target'];
  if (!isObject(target)) return "it has no 'target' object";
  for (const k of ['kind', 'parsecVersion'] as const) {
    if (typeof target[k] !== 'string') return `target.${k} is ${JSON.stringify(target[k])}, expected a string`;
  }
  if (typeof data['startedAt'] !== 'string') return "'startedAt' is missing";
  if (!Array.isArray(data['cases'])) return "it has no 'cases' array";
  for (const [i, c] of (data['cases'] as unknown[]).entries()) {
    if (!isObject(c) || typeof c['id'] !== 'string') return `cases[${i}] has no string 'id'`;
    if (!(CASE_STATUSES as readonly unknown[]).includes(c['status'])) {
      return `case ${c['id']} has status ${JSON.stringify(c['status'])}, expected one of ${CASE_STATUSES.join(', ')}`;
    }
    if (typeof c['durationMs'] !== 'number') return `case ${c['id']} has no numeric 'durationMs'`;
  }
  return undefined;
}
