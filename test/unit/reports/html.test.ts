import { htmlEscape, renderHtml, scriptJson } from '../../../harness/reports/html';
import type { CaseResult } from '../../../harness/reports/model';
import { HOSTILE, sampleCases, sampleRun } from './report-fixture';

/** The page without its inline script and data block: what the HTML parser reads as markup. */
function markup(html: string): string {
  return html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '');
}

describe('report.html', () => {
  const html = renderHtml(sampleRun());

  test('escapes every character that could end an attribute or start a tag', () => {
    expect(htmlEscape(`<a href="x">&'`)).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  });

  test('case text never becomes markup: no tag, comment or script from a message survives', () => {
    expect(markup(html)).not.toContain('<script>alert');
    expect(markup(html)).not.toContain('<one>');
    expect(markup(html)).not.toContain('<bad>');
    expect(markup(html)).not.toContain('<!--');
    expect(markup(html)).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39;');
    // Exactly the two script blocks of the page, each closed once: the data cannot close one early.
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  test('the data block holds no "<" and parses back to the cases, hostile text intact', () => {
    const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block).not.toContain('<');
    const data = JSON.parse(block) as { cases: { i: string; m?: string }[] };
    expect(data.cases.find((c) => c.i === 'mbed/psa-sign-hash/broken')?.m).toBe(`${HOSTILE}\nsecond line`);
    expect(scriptJson('\u2028</script>')).toBe('"\\u2028\\u003c/script>"');
  });

  test('self-contained: no URL to load, and a CSP that forbids loading any', () => {
    expect(markup(html)).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`,
    );
  });

  test('the matrix: operations × providers with counts, the worst status colouring a cell', () => {
    expect(html).toContain(
      '<th>operation</th><th>core</th><th>mbed</th><th>pkcs11</th><th>tpm</th><th>harness</th><th>all</th>',
    );
    expect(html).toMatch(/<td class="cell st-failed"[^>]*data-o="PsaSignHash" data-p="mbed"/);
    expect(html).toMatch(/<td class="cell st-expected-fail"[^>]*data-o="PsaSignHash" data-p="pkcs11"[^>]*>.*1 xfail/);
    expect(html).toMatch(/<td class="cell st-flaky"[^>]*data-o="PsaGenerateKey" data-p="pkcs11"/);
    expect(html).toContain('<h3>pkcs11-pin: 1 variant</h3>');
  });

  test('verdict, failures with their request and log, entries that applied, repeats and environment', () => {
    expect(html).toContain('<span class="verdict fail">FAIL</span>');
    expect(html).toContain('Failures, unexpected passes, flaky cases (3)');
    expect(html).toContain('PsaSignHash to mbed → PsaErrorGenericError\nkey &#34;k&#60;1&#62;&#34;');
    expect(html).toContain('[2026-11-29T00:00:00Z ERROR parsec] &#60;bad&#62; &#38; worse');
    expect(html).toContain('Expectation entries that applied (2)');
    expect(html).toContain('pkcs11/psa-sign-hash/rsa-pss*');
    expect(html).toContain('evidence: parsec.log &#60;line&#62;');
    expect(html).toContain('Repeats: 3 rounds, 1 case changed outcome');
    expect(html).toContain('<tr><th>softhsm2</th><td>2.6.1-3</td></tr>');
    expect(html).toContain('0.1.0 (0123456789ab), contract parsec-operations 1.0');
  });

  test('3,300 cases with log lines stay a few MB and render in well under a second', () => {
    const many: CaseResult[] = [];
    for (let i = 0; i < 3300; i++) {
      const c = sampleCases()[i % 6] as CaseResult;
      many.push({
        ...c,
        id: `${c.id}-${i}`,
        logLines: Array.from({ length: 8 }, (_, j) => `[t] INFO line ${j} of case ${i}`),
      });
    }
    const t0 = Date.now();
    const big = renderHtml(sampleRun(many));
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(Buffer.byteLength(big)).toBeLessThan(6 * 1024 * 1024);
  });
});
