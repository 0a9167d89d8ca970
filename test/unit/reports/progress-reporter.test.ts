import type { Test, TestResult } from '@jest/reporters';
import ProgressReporter, { type ProgressReporterOptions } from '../../../harness/reports/progress-reporter';
import { caseCountText } from '../../../harness/reports/report-views';
import { sampleCases } from './report-fixture';

class Captured extends ProgressReporter {
  out = '';
  constructor(options: ProgressReporterOptions) {
    super({ rootDir: '/p' }, options);
  }
  protected override write(text: string): void {
    this.out += text;
  }
}

function fileResult(name: string, passed: number, failed: number, failureMessage?: string): TestResult {
  return {
    testFilePath: `/p/suites/${name}.test.ts`,
    numPassingTests: passed,
    numFailingTests: failed,
    numPendingTests: 1,
    numTodoTests: 0,
    failureMessage,
  } as TestResult;
}

const test0 = {} as Test;

describe('the progress reporter', () => {
  test('on a terminal: one line rewritten in place, a failed file’s message above it, the last line kept', () => {
    const r = new Captured({ tty: true });
    r.onRunStart({ numTotalTestSuites: 2 });
    r.onTestFileResult(test0, fileResult('core/ping', 4, 0));
    r.onTestFileResult(test0, fileResult('crypto/sign', 10, 1, '  ● sign › broken\n\n    expected X'));
    r.onRunComplete();
    const lines = r.out.split('\n');
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is what is checked
    expect(r.out).toMatch(/^\r\u001b\[K\[ {4}5 cases\] {2}suites 1\/2 {2}failed 0 {2}0s\r\u001b\[K/);
    expect(r.out).toContain(
      '\u001b[1;41m FAIL \u001b[0m suites/crypto/sign.test.ts\n  ● sign › broken\n\n    expected X\n',
    );
    expect(lines.at(-2)).toBe('\r\u001b[K[   17 cases]  suites 2/2  failed 1  0s');
    expect(lines.at(-1)).toBe('');
    expect(r.out).not.toContain('Ran all test suites');
  });

  test('without a terminal: a line at most every interval, always one for the last file, no control characters', () => {
    const r = new Captured({ tty: false, intervalMs: 60_000 });
    r.onRunStart({ numTotalTestSuites: 3 });
    for (const f of ['a', 'b', 'c']) r.onTestFileResult(test0, fileResult(f, 2, 0));
    r.onRunComplete();
    expect(r.out).toBe('[    3 cases]  suites 1/3  failed 0  0s\n[    9 cases]  suites 3/3  failed 0  0s\n');
  });
});

describe('caseCountText', () => {
  const cases = sampleCases();
  test('says nothing more when the counts agree', () => {
    expect(caseCountText(cases, cases.length)).toBe('8 cases');
    expect(caseCountText(cases, undefined)).toBe('8 cases');
  });
  test('reconciles with Jest’s count: harness checks, suite files that did not run, cases never reported', () => {
    const crashed = { ...cases[0], id: 'harness/crypto/sign/suite-runs', provider: 'harness' } as (typeof cases)[0];
    expect(caseCountText(cases, 7)).toBe('8 cases (= 7 Jest tests + 1 harness check)');
    expect(caseCountText([...cases, crashed], 5)).toBe(
      '9 cases (= 5 Jest tests + 1 harness check + 1 suite file that did not run + 2 declared but never reported)',
    );
    expect(caseCountText(cases, 20)).toBe('8 cases (Jest counted 20 tests)');
  });
});
