import { classifyChange, diffRuns } from '../../../harness/reports/diff';
import { renderDiffJson, renderDiffMarkdown } from '../../../harness/reports/diff-markdown';
import type { CaseResult, CaseStatus, RunResults, TargetResult } from '../../../harness/reports/model';

const target = (version: string, kind = 'native', backends: Record<string, string> = {}): TargetResult => ({
  kind,
  parsecVersion: version,
  parsecBinary: '/usr/bin/parsec',
  parsecSource: `debian:${version === '1.4.1' ? 'trixie' : 'sid'}`,
  backends: { softhsm2: '2.6.1', ...backends },
  providers: [{ id: 1, name: 'Mbed Crypto provider', version: '0.1.0' }],
});

const one = (id: string, status: CaseStatus, durationMs = 10, message = ''): CaseResult => ({
  id,
  suite: id.split('/')[1] as string,
  provider: id.split('/')[0] as string,
  opcode: 'PsaSignHash',
  title: id.split('/').slice(2).join('/'),
  status,
  durationMs,
  message,
});

const run = (t: TargetResult, cases: CaseResult[]): RunResults => ({
  target: t,
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 1000,
  cases,
});

describe('classifyChange', () => {
  it.each([
    ['passed', 'failed', 'regression'],
    ['passed', 'unexpected-pass', 'regression'],
    ['expected-fail', 'failed', 'regression'],
    ['flaky', 'failed', 'regression'],
    ['skipped', 'failed', 'regression'],
    ['failed', 'passed', 'fix'],
    ['expected-fail', 'unexpected-pass', 'deviation-gone'],
    ['expected-fail', 'passed', 'deviation-gone'],
    ['failed', 'expected-fail', 'changed'],
    ['failed', 'unexpected-pass', 'changed'],
    ['passed', 'skipped', 'changed'],
    ['skipped', 'passed', 'changed'],
    ['flaky', 'passed', 'changed'],
    ['unexpected-pass', 'passed', 'changed'],
  ] as const)('%s → %s is a %s', (base, head, kind) => {
    expect(classifyChange(base, head)).toBe(kind);
  });
});

describe('diffRuns', () => {
  const base = run(target('1.4.1'), [
    one('mbed/sign/a', 'passed'),
    one('mbed/sign/b', 'failed', 10, 'boom'),
    one('mbed/sign/c', 'expected-fail', 10, 'known'),
    one('mbed/sign/d', 'passed', 100),
    one('mbed/sign/e', 'passed', 1000),
    one('mbed/sign/gone', 'passed'),
    one('mbed/sign/f', 'skipped', 0),
    one('mbed/sign/g', 'passed', 50),
  ]);
  const head = run(target('1.5.0', 'native', { swtpm: '0.10.0' }), [
    one('mbed/sign/a', 'failed', 10, 'PsaErrorNotPermitted\nstack…'),
    one('mbed/sign/b', 'passed'),
    one('mbed/sign/c', 'unexpected-pass', 10, 'expected to fail (known) but passed'),
    one('mbed/sign/d', 'passed', 400),
    one('mbed/sign/e', 'passed', 100),
    one('mbed/sign/new', 'failed', 5, 'new failure'),
    one('mbed/sign/f', 'passed', 900),
    one('mbed/sign/g', 'passed', 140),
  ]);
  const d = diffRuns(base, head);

  it('sorts every case into one list', () => {
    expect(d.regressions.map((c) => [c.id, c.base, c.head])).toEqual([['mbed/sign/a', 'passed', 'failed']]);
    expect(d.fixes.map((c) => c.id)).toEqual(['mbed/sign/b']);
    expect(d.deviationsGone.map((c) => [c.id, c.head])).toEqual([['mbed/sign/c', 'unexpected-pass']]);
    expect(d.changed.map((c) => [c.id, c.base, c.head])).toEqual([['mbed/sign/f', 'skipped', 'passed']]);
    expect(d.added.map((c) => [c.id, c.head])).toEqual([['mbed/sign/new', 'failed']]);
    expect(d.removed.map((c) => [c.id, c.base])).toEqual([['mbed/sign/gone', 'passed']]);
    expect(d.unchanged).toBe(3);
  });

  it('finds timing outliers both ways, only where both runs ran the case and past both thresholds', () => {
    // d: 4× and 300 ms slower; e: 10× faster; g: 2.8× (under 3×); f: skipped in base
    expect(d.slower).toEqual([{ id: 'mbed/sign/d', baseMs: 100, headMs: 400, ratio: 4 }]);
    expect(d.faster).toEqual([{ id: 'mbed/sign/e', baseMs: 1000, headMs: 100, ratio: 10 }]);
    const loose = diffRuns(base, head, { timingRatio: 2, timingMinMs: 50 });
    expect(loose.slower.map((t) => t.id)).toEqual(['mbed/sign/d', 'mbed/sign/g']);
    const strictMs = diffRuns(base, head, { timingRatio: 3, timingMinMs: 500 });
    expect(strictMs.slower).toEqual([]);
  });

  it('shows the environment of both runs, marking what differs; what a run does not record reads unknown', () => {
    const row = (f: string) => d.environment.find((e) => e.field === f);
    expect(row('Parsec')).toEqual({ field: 'Parsec', base: '1.4.1', head: '1.5.0', differs: true });
    expect(row('softhsm2')).toMatchObject({ differs: false });
    expect(row('swtpm')).toEqual({ field: 'swtpm', base: 'absent', head: '0.10.0', differs: true });
    expect(row('harness')).toMatchObject({ base: 'unknown', head: 'unknown', differs: false });
  });

  it('renders Markdown with the verdict, one section per non-empty list and one-line messages', () => {
    const md = renderDiffMarkdown(d);
    expect(md).toMatch(/^# Conformance diff: Parsec 1\.4\.1 \(native\) → Parsec 1\.5\.0 \(native\)/);
    expect(md).toContain('**1 regression**');
    expect(md).toContain('## Regressions (1)');
    expect(md).toContain('| `mbed/sign/a` | passed | failed | PsaErrorNotPermitted |');
    expect(md).toContain('## Known deviations gone (1)');
    expect(md).toContain('## Slower (1)');
    expect(md).toContain('| `mbed/sign/d` | 100 ms | 400 ms | 4× |');
    expect(md).toContain('| **Parsec** | 1.4.1 | **1.5.0** |');
    expect(md).not.toContain('stack…');
    expect(renderDiffMarkdown(diffRuns(base, base))).toContain('**No regression**');
    expect(renderDiffMarkdown(diffRuns(base, base))).not.toContain('## Regressions');
  });

  it('escapes a pipe in a message so that the table holds', () => {
    const x = diffRuns(
      run(target('1.4.1'), [one('mbed/s/x', 'passed')]),
      run(target('1.4.1'), [one('mbed/s/x', 'failed', 1, 'a | b')]),
    );
    expect(renderDiffMarkdown(x)).toContain('| a \\| b |');
  });

  it('renders JSON with the verdict first and every list', () => {
    const json = JSON.parse(renderDiffJson(d));
    expect(Object.keys(json)[0]).toBe('regressed');
    expect(json.regressed).toBe(true);
    expect(json.options).toEqual({ timingRatio: 3, timingMinMs: 200 });
    expect(json.regressions[0]).toMatchObject({ id: 'mbed/sign/a', base: 'passed', head: 'failed' });
  });
});
