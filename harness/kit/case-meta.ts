import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AppliedExpectation } from '../model/expectation';

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
  /** The expectation matrix's entry for this case (fail, flaky or skip), when one holds. */
  readonly expectation?: AppliedExpectation;
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
  appendRecord(metaDir, 'observed', { id, message });
}

export function readObserved(metaDir: string): Map<string, string> {
  const byId = new Map<string, string>();
  for (const { id, message } of records<{ id: string; message: string }>(metaDir, 'observed')) byId.set(id, message);
  return byId;
}

/**
 * What a case observed of the service beyond pass or fail (e.g. the statuses and login attempts of a PIN matrix cell),
 * for results.json. It must hold no secret: reports carry it as it is.
 */
export function recordCaseData(metaDir: string, id: string, data: Readonly<Record<string, unknown>>): void {
  appendRecord(metaDir, 'data', { id, data });
}

export function readCaseData(metaDir: string): Map<string, Record<string, unknown>> {
  const byId = new Map<string, Record<string, unknown>>();
  for (const { id, data } of records<{ id: string; data: Record<string, unknown> }>(metaDir, 'data')) {
    byId.set(id, { ...byId.get(id), ...data });
  }
  return byId;
}

/** When a case ran: from just before its body to just after its cleanup (keys destroyed, own targets stopped). */
export interface CaseSpan {
  readonly id: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly endedAt: string;
}

/** The request a failed case sent last, without secrets (harness/wire's request summary). */
export interface CaseFailedRequest {
  readonly opcode: string;
  /** The provider's key ('core', 'mbed', 'pkcs11', 'tpm') or its id when the harness does not know it. */
  readonly provider: string;
  readonly status?: string;
  readonly summary?: string;
}

/** One JSON line per record, one file per worker process (parallel workers never interleave). */
function appendRecord(metaDir: string, kind: string, record: object): void {
  const dir = join(metaDir, kind);
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(record)}\n`);
}

/** Every record of a kind, in the order each worker wrote them; none when nothing was recorded. */
function records<T>(metaDir: string, kind: string): T[] {
  const dir = join(metaDir, kind);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as T),
  );
}

/** The last record per case id. */
function readRecords<T extends { id: string }>(metaDir: string, kind: string): Map<string, T> {
  return new Map(records<T>(metaDir, kind).map((r) => [r.id, r]));
}

/** For results.json: each case's time span, to cut its lines out of the service's logs. */
export function recordCaseSpan(metaDir: string, span: CaseSpan): void {
  appendRecord(metaDir, 'spans', span);
}

export function readCaseSpans(metaDir: string): Map<string, CaseSpan> {
  return readRecords<CaseSpan>(metaDir, 'spans');
}

export function recordFailedRequest(metaDir: string, id: string, request: CaseFailedRequest): void {
  appendRecord(metaDir, 'failed-requests', { id, request });
}

export function readFailedRequests(metaDir: string): Map<string, CaseFailedRequest> {
  const records = readRecords<{ id: string; request: CaseFailedRequest }>(metaDir, 'failed-requests');
  return new Map([...records].map(([id, r]) => [id, r.request]));
}
