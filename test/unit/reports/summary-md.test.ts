import type { CaseResult } from '../../../harness/reports/model';
import { mdText, renderSummaryMarkdown, SUMMARY_LIMIT_BYTES } from '../../../harness/reports/summary-md';
import { sampleCases, sampleRun } from './report-fixture';

describe('summary.md', () => {
  const md = renderSummaryMarkdown(sampleRun());

  test('the verdict line, the counts and a per-provider table', () => {
    expect(md.split('\n')[0]).toBe('## ❌ FAIL: Parsec 1.4.1 conformance on the native target');
    expect(md).toContain(
      '8 cases in 1.5 s: 3 passed, 1 failed, 1 skipped, 1 expected-fail, 1 unexpected-pass, 1 flaky.',
    );
    expect(md).toContain('| provider | passed | failed | skipped | expected-fail | unexpected-pass | flaky |');
    expect(md).toContain('| mbed | 0 | **1** | 0 | 0 | **1** | 0 |');
    expect(md).toContain('| **all** | 3 | **1** | 1 | 1 | **1** | 1 |');
  });

  test('failures, unexpected passes and flaky cases by id and first message line, escaped, never a link', () => {
    expect(md).toContain(
      '### Failures (1)\n\n- `mbed/psa-sign-hash/broken`: &lt;script&gt;alert("x")&lt;/script&gt; &amp; \'quotes\' &lt;/script&gt;&lt;\\!-- https:/\u200b/evil.example/x\n',
    );
    expect(md).not.toContain('second line');
    expect(md).toContain('### Unexpected passes (1)\n\n- `mbed/ping/stale`: passed');
    expect(md).toContain('### Flaky (1)\n\n- `pkcs11/load/concurrent`: passed this time; now and then');
    expect(md).toContain('### Outcome changed over 3 rounds (1)\n\n- `pkcs11/load/concurrent`: 2× passed, 1× failed');
    expect(md).toContain('2 cases matched 2 expectation entries (fixtures/expectations/parsec.json).');
    expect(md).not.toMatch(/https?:\/\//);
  });

  test('one environment line without links: Parsec, target, backends, harness, options', () => {
    const env = md.split('\n').find((l) => l.startsWith('<sub>')) ?? '';
    expect(env).toContain('Parsec 1.4.1 · source debian:trixie · target native · softhsm2 2.6.1-3 · swtpm 0.7.1');
    expect(env).toContain('harness 0.1.0 (0123456789ab), contract parsec-operations 1.0');
    expect(env).toContain('options run --suite core/\\*, workers 1');
  });

  test('a run with a flood of failures stays under GitHub’s 1 MiB and says how many were left out', () => {
    const failed = sampleCases()[1] as CaseResult;
    const many = Array.from({ length: 5000 }, (_, i) => ({
      ...failed,
      id: `${failed.id}-${i}`,
      message: 'x'.repeat(5000),
    }));
    const big = renderSummaryMarkdown(sampleRun(many));
    expect(Buffer.byteLength(big)).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(Buffer.byteLength(big)).toBeLessThan(30_000);
    expect(big).toContain('- … and 4950 more, left out here (all are in results.json and report.html)');
  });

  test('mdText: Markdown and HTML specials escaped, one line', () => {
    expect(mdText('a|b *c* _d_ `e` [f](g) <h> & i\nj')).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h&gt; &amp; i j',
    );
    expect(mdText('see www.example.org')).toBe('see www\u200b.example.org');
  });
});
