import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What a suite declares about each case, written while Jest collects tests and joined with results by the reporter. */
export interface CaseMeta {
  readonly id: string;
  readonly suite: string;
  /** The suite's variant (one service per configuration), when it declares variants. */
  readonly variant?: string;
  readonly provider: string;
  readonly opcode: string;
  readonly title: string;
  /** Why the case is skipped; every skip carries one. */
  readonly skipReason?: string;
  /** Present when a known-deviation file expects this case to fail. */
  readonly expectedFailure?: { readonly reason: string; readonly source: string };
}

function casesDir(metaDir: string): string {
  return join(metaDir, 'cases');
}

/** Appends one JSON line per case; one file per test file and worker process, so parallel workers never interleave. */
export function recordCaseMeta(metaDir: string, testFile: string, meta: CaseMeta): void {
  const dir = casesDir(metaDir);
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${basename(testFile)}.${process.pid}.jsonl`), `${JSON.stringify(meta)}\n`);
}

export function readAllCaseMeta(metaDir: string): Map<string, CaseMeta> {
  const byId = new Map<string, CaseMeta>();
  let files: string[];
  try {
    files = readdirSync(casesDir(metaDir));
  } catch {
    return byId;
  }
  for (const f of files.filter((n) => n.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(casesDir(metaDir), f), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const meta = JSON.parse(line) as CaseMeta;
      byId.set(meta.id, meta);
    }
  }
  return byId;
}

/** What an expected failure actually did, so the report shows the evidence of this run and not only the recorded one. */
export function recordObserved(metaDir: string, id: string, message: string): void {
  const dir = join(metaDir, 'observed');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ id, message })}\n`);
}

export function readObserved(metaDir: string): Map<string, string> {
  const byId = new Map<string, string>();
  const dir = join(metaDir, 'observed');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return byId;
  }
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { id, message } = JSON.parse(line) as { id: string; message: string };
      byId.set(id, message);
    }
  }
  return byId;
}

/**
 * What a case observed of the service beyond pass or fail (e.g. the statuses and login attempts of a PIN matrix cell),
 * for results.json. It must hold no secret: reports carry it as it is.
 */
export function recordCaseData(metaDir: string, id: string, data: Readonly<Record<string, unknown>>): void {
  const dir = join(metaDir, 'data');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ id, data })}\n`);
}

export function readCaseData(metaDir: string): Map<string, Record<string, unknown>> {
  const byId = new Map<string, Record<string, unknown>>();
  const dir = join(metaDir, 'data');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return byId;
  }
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { id, data } = JSON.parse(line) as { id: string; data: Record<string, unknown> };
      byId.set(id, { ...byId.get(id), ...data });
    }
  }
  return byId;
}
