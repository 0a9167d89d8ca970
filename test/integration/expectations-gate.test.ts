import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsOf, runCli } from './run-cli';

/**
 * The expectation matrix as a release manager uses it, on the real Parsec 1.4.1: a profile (--profile) that records
 * a deviation the service does not have makes an unexpected pass, which only --strict fails; a flaky entry accepts
 * the outcome under --strict too; a skip entry keeps a case from running and says why; a profile that is not one is
 * a command-line error.
 */
describe('expectation profiles and the --strict gate (real Parsec 1.4.1, Mbed Crypto)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-gate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const profile = (name: string, outcome: string): string => {
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        product: name,
        entries: [
          {
            case: 'core/ping/*',
            outcome,
            reason: `test profile: Ping recorded as ${outcome}`,
            evidence: 'none: the service answers Ping correctly',
            when: { parsec: '1.4.1', target: ['native'] },
          },
        ],
      }),
    );
    return path;
  };
  const run = (out: string, ...args: string[]) =>
    runCli([
      'run',
      '--parsec',
      'trixie',
      '--providers',
      'mbed',
      '--suite',
      'core/ping',
      '--out',
      join(dir, out),
      ...args,
    ]);

  test('an expected failure that passes is reported, and fails the gate only with --strict', async () => {
    const path = profile('fail-ping', 'fail');
    const lenient = await run('lenient', '--profile', path);
    expect({ code: lenient.code, tail: lenient.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    expect(lenient.stderr).toMatch(
      /recorded deviation\(s\) did not show \(unexpected pass\): the gate fails on them with --strict/,
    );
    const cases = resultsOf(join(dir, 'lenient'))?.cases.filter((c) => c.id.startsWith('core/ping/')) ?? [];
    expect(cases.length).toBeGreaterThan(0);
    expect(new Set(cases.map((c) => c.status))).toEqual(new Set(['unexpected-pass']));
    expect(readFileSync(join(dir, 'lenient', 'junit.xml'), 'utf8')).toContain('type="unexpected-pass"');

    const strict = await run('strict', '--profile', path, '--strict');
    expect({ code: strict.code, tail: strict.stderr.slice(-2000) }).toMatchObject({ code: 1 });
    expect(strict.stderr).toContain(`unexpected-pass)`);
    expect(readFileSync(join(dir, 'strict', 'junit.xml'), 'utf8')).toMatch(
      /<failure message="[^"]*" type="unexpected-pass">/,
    );
  }, 120_000);

  test('a flaky entry accepts the outcome under --strict and reports the case as flaky', async () => {
    const r = await run('flaky', '--profile', profile('flaky-ping', 'flaky'), '--strict');
    expect({ code: r.code, tail: r.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const cases = resultsOf(join(dir, 'flaky'))?.cases.filter((c) => c.id.startsWith('core/ping/')) ?? [];
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(c).toMatchObject({ status: 'flaky', observed: 'passed' });
  }, 60_000);

  test('a skip entry keeps the case from running, with the entry as its reason', async () => {
    const r = await run('skip', '--profile', profile('skip-ping', 'skip'));
    expect({ code: r.code, tail: r.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const cases = resultsOf(join(dir, 'skip'))?.cases.filter((c) => c.id.startsWith('core/ping/')) ?? [];
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.status).toBe('skipped');
      expect(c.message).toMatch(
        /^skipped by .*skip-ping\.json \(core\/ping\/\*\): test profile: Ping recorded as skip$/,
      );
    }
  }, 60_000);

  test('a profile that is missing or malformed is a command-line error (exit 2) that says what is wrong', async () => {
    const missing = await run('missing', '--profile', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--profile: expectation profile ${join(dir, 'nope.json')} does not exist`);
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ product: 'x', entries: [{ case: 'a', expect: 'fail', reason: 'r', evidence: 'e' }] }),
    );
    const malformed = await run('malformed', '--profile', bad);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('has unknown field(s) expect ("expect" is now "outcome")');
  }, 30_000);
});
