import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CaseFailedRequest, CaseSpan } from '../kit/case-meta';
import type { CaseResult } from './model';

/** Lines kept per case; a longer span keeps its head and its tail and says how many lines it left out. */
export const MAX_CASE_LOG_LINES = 50;
const HEAD_LINES = 10;
/**
 * Parsec and the kit read the same clock and both cut it to the millisecond (truncation keeps the order), and a
 * request is logged only after the kit's start: the start needs no slack. Parsec logs "Response … sent back" just
 * after it wrote the answer, so the end gets one millisecond. More would hand a case its neighbours' lines: cases
 * follow each other within a millisecond or two.
 */
export const SPAN_SLACK_MS = 1;

/**
 * A Parsec log line with `log_timestamp = true` (env_logger's RFC 3339 in UTC, 1.4.1 and 1.5.0 alike):
 * `[2025-01-31T12:00:00.123Z INFO  parsec] Parsec is ready.`
 */
const STAMP = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) /;

export interface LogEntry {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly line: string;
}

/** A log the cases' lines are cut from: the run target's, or one the kit kept for a suite's or a case's own target. */
export interface CaseLogSource {
  /** Shown before each line that comes from it; undefined for the run target's own log. */
  readonly label?: string;
  /** Only cases of this suite take lines from it (a target of that suite's own); undefined: every case. */
  readonly suite?: string;
  /** In time order. */
  readonly entries: readonly LogEntry[];
}

/**
 * The timestamped lines of a log, in time order. A line without a stamp (a multi-line message) goes with the stamped
 * line before it; lines before the first stamp (a log written without timestamps) are left out.
 */
export function parseTimestampedLog(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let at: number | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = STAMP.exec(line);
    if (m) {
      const t = Date.parse(m[1] as string);
      at = Number.isNaN(t) ? at : t;
    }
    if (at !== undefined) entries.push({ at, line });
  }
  // Threads stamp and write in slightly different orders; a stable sort keeps each message's lines together.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map(({ e }) => e);
}

function firstAtOrAfter(entries: readonly LogEntry[], t: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid] as LogEntry).at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entries stamped within [from, to] (milliseconds, inclusive). */
export function entriesWithin(entries: readonly LogEntry[], from: number, to: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = firstAtOrAfter(entries, from); i < entries.length && (entries[i] as LogEntry).at <= to; i++) {
    out.push(entries[i] as LogEntry);
  }
  return out;
}

/** At most `max` lines: the head and the tail of a longer list, with a line in between that says how many it left out. */
export function capLines(lines: readonly string[], max = MAX_CASE_LOG_LINES): string[] {
  if (lines.length <= max) return [...lines];
  const head = Math.min(HEAD_LINES, max - 2);
  const tail = max - head - 1;
  const cut = lines.length - head - tail;
  return [
    ...lines.slice(0, head),
    `… ${cut} lines of this case's span left out (the whole log is next to the reports) …`,
    ...lines.slice(-tail),
  ];
}

/** The service's lines of one case's span, from every log that concerns it, merged in time order and capped. */
export function caseLogLines(span: CaseSpan, suite: string, sources: readonly CaseLogSource[]): string[] {
  const from = Date.parse(span.startedAt);
  const to = Date.parse(span.endedAt) + SPAN_SLACK_MS;
  const picked: { at: number; line: string; order: number }[] = [];
  sources.forEach((s, order) => {
    if (s.suite !== undefined && s.suite !== suite) return;
    for (const e of entriesWithin(s.entries, from, to)) {
      picked.push({ at: e.at, line: s.label ? `${s.label}: ${e.line}` : e.line, order });
    }
  });
  picked.sort((a, b) => a.at - b.at || a.order - b.order);
  return capLines(picked.map((p) => p.line));
}

/** Lines that mention a PIN are withheld where the target's own secrets are not at hand to redact them. */
export function withholdPinLines(text: string): string {
  return text
    .split('\n')
    .map((l) => (/pin|owner_hierarchy_auth/i.test(l) ? '<line withheld: it mentions a PIN>' : l))
    .join('\n');
}

/**
 * The run target's log (redacted by `redact`) and every Parsec log the kit kept under `<outDir>/targets/` (redacted
 * when kept), each as a source of case lines. A log that cannot be read is no source.
 */
export function caseLogSources(
  serviceLog: string | undefined,
  redact: (text: string) => string,
  outDir: string,
): CaseLogSource[] {
  const sources: CaseLogSource[] = [];
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const runLog = serviceLog !== undefined ? read(serviceLog) : undefined;
  if (runLog !== undefined) sources.push({ entries: parseTimestampedLog(redact(runLog)) });
  const targets = join(outDir, 'targets');
  let files: string[];
  try {
    files = readdirSync(targets, { recursive: true, encoding: 'utf8' });
  } catch {
    files = [];
  }
  // `<suite>.parsec.log` (the suite's own target), `<suite>/<variant>.parsec.log`, `<suite>/<case>.<n>.parsec.log`.
  for (const f of files.filter((n) => n.endsWith('parsec.log')).sort()) {
    const text = read(join(targets, f));
    if (text === undefined) continue;
    const rel = relative(outDir, join(targets, f)).split('\\').join('/');
    sources.push({ label: rel, suite: f.split(/[/.]/)[0], entries: parseTimestampedLog(text) });
  }
  return sources;
}

/** Each case with what the kit recorded for it: when it began, its log lines, and the request a failed body sent last. */
export function withCaseRecords(
  cases: readonly CaseResult[],
  spans: ReadonlyMap<string, CaseSpan>,
  failedRequests: ReadonlyMap<string, CaseFailedRequest>,
  sources: readonly CaseLogSource[],
): CaseResult[] {
  return cases.map((c) => {
    const span = spans.get(c.id);
    const request = failedRequests.get(c.id);
    // A body that failed where it was allowed to (an expected failure, a flaky case) still says what it sent.
    const failed = c.status === 'failed' || c.status === 'expected-fail' || c.observed === 'failed';
    const lines = span ? caseLogLines(span, c.suite, sources) : [];
    return {
      ...c,
      ...(span ? { startedAt: span.startedAt } : {}),
      ...(lines.length > 0 ? { logLines: lines } : {}),
      ...(request && failed ? { failedRequest: request } : {}),
    };
  });
}
