import type { AggregatedResult, Reporter, Test, TestResult } from '@jest/reporters';
import { relative } from 'node:path';

export interface ProgressReporterOptions {
  /** Rewrite one line in place; default: whether stderr is a terminal. */
  readonly tty?: boolean;
  /** Without a terminal, the least time between two progress lines (the last file always gets one). */
  readonly intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 5000;

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Takes the place of Jest's default reporter in a conformance run: a progress line while suite files finish (rewritten
 * in place on a terminal, otherwise at most one line every few seconds), Jest's own failure message for each failed
 * file as it happens, and nothing at the end: the conformance reporter's summary is the verdict. No "Ran all test
 * suites within paths …" list.
 */
export default class ProgressReporter implements Pick<
  Reporter,
  'onRunStart' | 'onTestFileResult' | 'onRunComplete' | 'getLastError'
> {
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly rootDir: string;
  private files = 0;
  private filesDone = 0;
  private cases = 0;
  private failed = 0;
  private startedAt = Date.now();
  private lastLineAt = 0;
  private lineShown = false;

  constructor(globalConfig: { readonly rootDir: string }, options: ProgressReporterOptions = {}) {
    this.rootDir = globalConfig.rootDir;
    this.tty = options.tty ?? Boolean(process.stderr.isTTY);
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  protected write(text: string): void {
    process.stderr.write(text);
  }

  onRunStart(aggregated: Pick<AggregatedResult, 'numTotalTestSuites'>): void {
    this.files = aggregated.numTotalTestSuites;
    this.startedAt = Date.now();
  }

  /** `[ 412 cases]  suites 12/41  failed 0  1m05s` */
  progressLine(): string {
    return `[${String(this.cases).padStart(5)} cases]  suites ${this.filesDone}/${this.files}  failed ${this.failed}  ${elapsed(Date.now() - this.startedAt)}`;
  }

  onTestFileResult(_test: Test, result: TestResult): void {
    this.filesDone += 1;
    this.cases += result.numPassingTests + result.numFailingTests + result.numPendingTests + result.numTodoTests;
    this.failed += result.numFailingTests + (result.testExecError ? 1 : 0);
    const notes = this.notesOf(result);
    if (notes) {
      this.clearLine();
      this.write(notes);
    }
    const now = Date.now();
    if (this.tty) {
      this.write(`\r\u001b[K${this.progressLine()}`);
      this.lineShown = true;
    } else if (now - this.lastLineAt >= this.intervalMs || this.filesDone === this.files) {
      this.write(`${this.progressLine()}\n`);
      this.lastLineAt = now;
    }
  }

  /** On a terminal the last progress line stays, as the run's tally; the verdict follows it. */
  onRunComplete(): void {
    if (this.tty && this.lineShown) this.write('\n');
    this.lineShown = false;
  }

  getLastError(): Error | undefined {
    return undefined;
  }

  /** A failed file's header and Jest's failure message, and anything a test wrote to the console. */
  private notesOf(result: TestResult): string {
    const path = relative(this.rootDir, result.testFilePath);
    const out: string[] = [];
    if (result.failureMessage) {
      out.push(
        `${this.tty ? '\u001b[1;41m FAIL \u001b[0m' : 'FAIL'} ${path}\n${result.failureMessage.replace(/\n*$/, '\n')}`,
      );
    }
    for (const entry of result.console ?? []) {
      out.push(`console.${entry.type} (${path}): ${entry.message}\n`);
    }
    return out.join('');
  }

  private clearLine(): void {
    if (this.tty && this.lineShown) {
      this.write('\r\u001b[K');
      this.lineShown = false;
    }
  }
}
