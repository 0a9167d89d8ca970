import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsOf, runCli, type ReportedCase } from '../run-cli';

/**
 * A real Parsec 1.4.1 whose PKCS#11 token never returns from C_SignInit (the harness's quirk token, told so through
 * PARSEC_CONFORMANCE_QUIRK_HANG: containers/pkcs11/quirk-token.c), so every PsaSignHash on the PKCS#11 provider
 * hangs. Nothing is mocked: the hang is the service's real behaviour on such a token.
 */
const HANG = { PARSEC_CONFORMANCE_QUIRK_HANG: 'C_SignInit' };
const SUITES = ['--suite', 'crypto/psa-sign-hash-ecdsa', 'core/ping'];

function spec(dir: string, threads?: number): string {
  const file = join(dir, 'spec.json');
  writeFileSync(
    file,
    JSON.stringify({
      kind: 'native',
      parsec: { from: 'debian', suite: 'trixie' },
      providers: [{ key: 'pkcs11', quirk: 'baseline' }],
      ...(threads ? { extraConfig: { core_settings: { thread_pool_size: threads } } } : {}),
    }),
  );
  return file;
}

const firstLine = (c: ReportedCase): string => c.message.split('\n')[0] ?? '';

describe('a hung service still gets a verdict, fast (real Parsec 1.4.1, PKCS#11 on a token that hangs C_SignInit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-hang-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('an operation that hangs fails its cases as "hangs", the others pass, in about twice the normal time', async () => {
    const t0 = Date.now();
    const normal = await runCli(['run', '--target-spec', spec(dir), ...SUITES, '--out', join(dir, 'normal')]);
    const normalMs = Date.now() - t0;
    expect({ code: normal.code, tail: normal.stderr.slice(-1500) }).toMatchObject({ code: 0 });

    const t1 = Date.now();
    const hung = await runCli(['run', '--target-spec', spec(dir), ...SUITES, '--out', join(dir, 'hung')], {
      env: HANG,
    });
    const hungMs = Date.now() - t1;
    expect(hung.code).toBe(1);
    const cases = resultsOf(join(dir, 'hung'))?.cases ?? [];
    const failed = cases.filter((c) => c.status === 'failed');
    // The first PsaSignHash waited the default 5 s, a Ping on a fresh connection answered: the operation hangs.
    const verdicts = failed.filter((c) => firstLine(c).includes('this operation hangs'));
    expect(verdicts).toHaveLength(1);
    expect(firstLine(verdicts[0] as ReportedCase)).toContain(
      'this operation hangs (no answer in 5 s; the service still answers Ping): PsaSignHash on provider 2',
    );
    // Every other failure is a PsaSignHash not sent again, naming the case that saw the hang; nothing else failed.
    const others = failed.filter((c) => !verdicts.includes(c));
    expect(others.length).toBeGreaterThan(0);
    for (const c of others) expect(firstLine(c)).toMatch(/PsaSignHash on provider 2 was not sent: .* hung in case /);
    // The cases that do not sign pass, on the PKCS#11 provider and on Core.
    const passed = cases.filter((c) => c.status === 'passed');
    expect(passed.filter((c) => c.provider === 'pkcs11').length).toBeGreaterThan(0);
    expect(passed.filter((c) => c.provider === 'core').length).toBeGreaterThan(0);
    // Bounded: twice the normal run, plus what a hang costs once whatever the run's length (15 s: the 5 s request
    // timeout, the 5 s grace before the harness kills a Parsec that waits on SIGTERM for the hung request's thread,
    // and slack for this shared 2-core machine). Without the timeout each of these cases waited 30 s.
    expect(hungMs).toBeLessThanOrEqual(2 * normalMs + 15_000);
  }, 240_000);

  test("parsec-tool's requests are judged too: one hang, then no parsec-tool command that would hang is run", async () => {
    // The interop suite signs through parsec-tool: each sign would hold one more of Parsec's two threads and soon
    // leave the service unable to answer at all.
    const run = await runCli(
      ['run', '--target-spec', spec(dir), '--suite', 'interop/parsec-tool', '--out', join(dir, 'tool')],
      { env: HANG },
    );
    expect(run.code).toBe(1);
    const cases = resultsOf(join(dir, 'tool'))?.cases ?? [];
    const failed = cases.filter((c) => c.status === 'failed');
    expect(failed.filter((c) => firstLine(c).includes('the service is gone'))).toEqual([]);
    const verdicts = failed.filter((c) => firstLine(c).includes('this operation hangs'));
    expect(verdicts).toHaveLength(1);
    // The hang is seen by parsec-tool's sign or by the harness's own; every later parsec-tool sign is not run.
    const refusedTool = failed.filter((c) =>
      /PsaSignHash on provider 2 was not sent: .*\(parsec-tool sign\)$/.test(firstLine(c)),
    );
    expect(refusedTool.length).toBeGreaterThan(0);
    for (const c of failed) {
      if (verdicts.includes(c)) continue;
      expect(firstLine(c)).toMatch(/PsaSignHash on provider 2 was not sent: .* hung in case /);
    }
    expect(cases.filter((c) => c.status === 'passed').length).toBeGreaterThan(10);
  }, 240_000);

  test('a service that stops answering stops the run with a verdict, the log tail, every other case not run', async () => {
    // One request thread: once it hangs in C_SignInit, the service answers nothing, Ping included.
    const t0 = Date.now();
    const run = await runCli(['run', '--target-spec', spec(dir, 1), ...SUITES, '--out', join(dir, 'gone')], {
      env: HANG,
    });
    const ms = Date.now() - t0;
    expect(run.code).toBe(1);
    const cases = resultsOf(join(dir, 'gone'))?.cases ?? [];
    const gone = cases.filter((c) => c.message.includes('the service is gone / not answering'));
    expect(gone).toHaveLength(1);
    const verdict = gone[0] as ReportedCase;
    expect(verdict.status).toBe('failed');
    expect(verdict.message).toMatch(/PsaSignHash on provider 2 got no answer in 5 s, and a Ping on a fresh connection/);
    expect(verdict.message).toContain('--- tail of the service log ---');
    expect(verdict.message).toContain('New request received');
    // Every case after it is reported as not run, with the reason, whatever its expectation.
    const notRun = cases.filter((c) => c.message.startsWith('not run: the service stopped answering'));
    expect(notRun.length).toBeGreaterThan(0);
    for (const c of notRun) {
      expect(c.status).toBe('failed');
      expect(c.message).toContain(verdict.id);
    }
    // The reports are written; the run ended in bounded time instead of every case waiting.
    for (const f of ['junit.xml', 'results.json', 'report.html', 'summary.md']) {
      expect(existsSync(join(dir, 'gone', f))).toBe(true);
    }
    expect(ms).toBeLessThan(90_000);
  }, 240_000);
});
