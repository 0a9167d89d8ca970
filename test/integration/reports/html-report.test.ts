import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../run-cli';
import { visitPage } from './headless-chromium';
import { decodePng } from './png';

/** Set it to a path to keep the screenshot of the real run's report (a person should look at it). */
const SCREENSHOT_ENV = 'PARSEC_CONFORMANCE_SCREENSHOT';

interface Case {
  readonly provider: string;
  readonly opcode: string;
  readonly status: string;
}

/** What the test reads from the page once it has loaded, as it first shows (the screenshot follows). */
const PAGE_PROBE = `(() => {
  const text = (n) => (n ? n.textContent.trim() : null);
  return {
    title: document.title,
    verdict: text(document.querySelector('.verdict')),
    header: [...document.querySelectorAll('#matrix thead th')].map(text),
    rows: [...document.querySelectorAll('#matrix tbody tr')].map((tr) => [...tr.children].map(text)),
    variantTables: document.querySelectorAll('#variants ~ table.matrix').length,
    environment: text(document.querySelector('table.env')),
    caseInfo: text(document.getElementById('case-info')),
    renderedMs: Number(document.body.dataset.renderedMs),
  };
})()`;

interface PageProbe {
  title: string;
  verdict: string;
  header: string[];
  rows: string[][];
  variantTables: number;
  environment: string;
  caseInfo: string;
  renderedMs: number;
}

/** The drill-down: a matrix cell clicked scopes the case browser to it; its first case opened shows its details. */
const DRILL_PROBE = `(() => {
  document.querySelector('#matrix td.cell[data-o="PsaSignHash"][data-p="mbed"]').click();
  const first = document.querySelector('#case-list details');
  first.open = true;
  first.dispatchEvent(new Event('toggle'));
  return { caseInfo: document.getElementById('case-info').textContent, opened: first.querySelector('.body').textContent };
})()`;

/** A cell's text ("59 pass 11 xfail 1 skip") as the sum of its counts. */
function cellTotal(text: string): number {
  return [...text.matchAll(/(\d+) [a-zA-Z]+/g)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('report.html of a real run (Parsec 1.4.1, natively) in headless Chromium', () => {
  let out: string;
  let cases: Case[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'pc-html-'));
    // A variant suite (admins-config), expected failures (RSA sizes and PSS), every provider.
    const run = await runCli([
      'run',
      '--parsec',
      'trixie',
      '--suite',
      'core/ping',
      'auth/admins-config',
      'crypto/psa-sign-hash-rsa',
      '--out',
      out,
    ]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    cases = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).cases;
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('opens with no network request and shows the matrix, whose counts are the run’s', async () => {
    const url = pathToFileURL(join(out, 'report.html')).href;
    const visit = await visitPage(url, [PAGE_PROBE, DRILL_PROBE]);
    expect(visit.requests).toEqual([url]);
    expect(visit.proxyConnections).toBe(0);
    expect(visit.cspViolations).toEqual([]);

    const [page, drill] = visit.probes as [PageProbe, { caseInfo: string; opened: string }];
    expect(page.verdict).toBe('PASS');
    expect(page.title).toContain('Parsec 1.4.1 on the native target');
    expect(page.header).toEqual(['operation', 'core', 'mbed', 'pkcs11', 'tpm', 'harness', 'all']);
    const providers = page.header.slice(1, -1);
    const opcodes = [...new Set(cases.map((c) => c.opcode))];
    expect(page.rows.map((r) => r[0]).sort()).toEqual([...opcodes, 'all operations'].sort());
    for (const row of page.rows.filter((r) => r[0] !== 'all operations')) {
      providers.forEach((p, i) => {
        const n = cases.filter((c) => c.opcode === row[0] && c.provider === p).length;
        expect({ cell: `${row[0]} on ${p}`, n: cellTotal(row[i + 1] as string) }).toEqual({
          cell: `${row[0]} on ${p}`,
          n,
        });
      });
    }
    expect(page.rows.find((r) => r[0] === 'PsaSignHash')?.[2]).toMatch(/\d+ pass.*\d+ xfail/);
    expect(page.variantTables).toBe(1);
    expect(page.environment).toContain('softhsm2');
    expect(page.caseInfo).toBe(`${cases.length} of ${cases.length} cases`);
    const signMbed = cases.filter((c) => c.opcode === 'PsaSignHash' && c.provider === 'mbed').length;
    expect(drill.caseInfo).toBe(`${signMbed} of ${cases.length} cases`);
    // The browser lists the worst status first: here an expected failure, with its reason and its entry.
    expect(drill.opened).toMatch(/message.*observed.*expectation entry/s);
    expect(page.renderedMs).toBeLessThan(2000);

    const [shot, drillShot] = visit.screenshots as [Buffer, Buffer];
    const png = decodePng(shot);
    expect({ width: png.width, height: png.height }).toEqual({ width: 1400, height: 1800 });
    const colours = new Map<string, number>();
    for (let y = 0; y < png.height; y += 2) {
      for (let x = 0; x < png.width; x += 2) {
        const c = png.pixel(x, y);
        colours.set(c, (colours.get(c) ?? 0) + 1);
      }
    }
    // Not blank, and the matrix is there in colour: the PASS banner's green, passed cells' pale green, expected
    // failures' pale amber.
    expect(colours.size).toBeGreaterThan(50);
    expect((colours.get('#ffffff') ?? 0) / ((png.width * png.height) / 4)).toBeLessThan(0.95);
    for (const c of ['#2e7d32', '#e8f5e9', '#fff3e0'])
      expect({ c, seen: (colours.get(c) ?? 0) > 100 }).toEqual({ c, seen: true });

    writeFileSync(join(out, 'report.png'), shot);
    writeFileSync(join(out, 'report-drill-down.png'), drillShot);
    const keep = process.env[SCREENSHOT_ENV];
    if (keep) {
      copyFileSync(join(out, 'report.png'), keep);
      copyFileSync(join(out, 'report-drill-down.png'), keep.replace(/(\.png)?$/, '-drill-down.png'));
    }
    process.stderr.write(
      `report.html: ${readFileSync(join(out, 'report.html')).length} bytes, ${cases.length} cases, load ${visit.loadMs} ms, script ${page.renderedMs} ms\n`,
    );
  }, 120_000);

  test('the no-network check can fail: a report that reaches out is caught, with or without its CSP', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const reaching = '<img src="https://example.org/pixel.png" alt="">';
    const withCsp = join(out, 'reaching-csp.html');
    writeFileSync(withCsp, html.replace('<body>', `<body>${reaching}`));
    const withoutCsp = join(out, 'reaching.html');
    writeFileSync(
      withoutCsp,
      html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('<body>', `<body>${reaching}`),
    );

    const blocked = await visitPage(pathToFileURL(withCsp).href, []);
    expect(blocked.cspViolations).toEqual(['img-src https://example.org/pixel.png']);
    const open = await visitPage(pathToFileURL(withoutCsp).href, []);
    expect(open.requests).toContain('https://example.org/pixel.png');
  }, 120_000);
});
