import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type StartedTarget } from '../../harness/targets';
import type { SoakReport } from '../../harness/run/soak';
import { runCli } from './run-cli';
import { startTamperingProxy } from './tampering-proxy.test-double';

/**
 * `parsec-conformance soak` against the real service: a short soak on all three providers passes with every answer
 * checked and the Parsec process sampled from /proc; a proxy that corrupts some signatures makes it fail (exit 1)
 * naming the operation; a command line it cannot take exits 2.
 */
const readReport = (out: string): SoakReport => JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as SoakReport;

describe('parsec-conformance soak', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-soak-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('20 s on Parsec 1.4.1 with Mbed Crypto, PKCS#11 and TPM: no lost or wrong answer, RSS and fds sampled, nothing left', async () => {
    const out = join(dir, 'native');
    const run = await runCli(['soak', '--duration', '20s', '--sample-every', '1s', '--parsec', 'trixie', '--out', out]);
    expect({ code: run.code, tail: run.stderr.split('\n').slice(-6) }).toMatchObject({ code: 0 });
    const r = readReport(out);
    expect(r).toMatchObject({
      verdict: 'pass',
      unexplained: 0,
      keysLeft: [],
      target: { kind: 'native', parsecVersion: '1.4.1' },
    });
    // Nothing lost. A wrong answer passes only where an expectation entry explains it: on SoftHSM2 natively, a
    // concurrent key generation now and then fails (fixtures/expectations/softhsm2.json, flaky); nothing else may.
    expect(r.load.lost).toBe(0);
    expect(r.explained.reduce((n, e) => n + e.count, 0)).toBe(r.load.wrong);
    for (const e of r.explained) {
      expect(e).toMatchObject({ case: expect.stringMatching(/^pkcs11\//), expectation: { outcome: 'flaky' } });
      expect(e.expectation.source).toMatch(/softhsm2\.json$/);
    }
    expect(r.load.requests).toBeGreaterThan(500);
    expect(r.load.checks.runs).toBeGreaterThan(10);
    for (const p of ['mbed', 'pkcs11', 'tpm']) {
      expect(Object.keys(r.load.latency).filter((k) => k.startsWith(`${p} PsaSignHash`)).length).toBeGreaterThan(0);
    }
    expect(r.load.latency['mbed PsaAeadEncrypt AES-128 GCM']?.p99Ms).toBeGreaterThan(0);
    // The process was read from /proc: one sample a second, real numbers, and the growth judged.
    expect(r.process.pid).toBeGreaterThan(1);
    expect(r.process.samples.length).toBeGreaterThanOrEqual(18);
    for (const s of r.process.samples) {
      expect(s.rssKiB).toBeGreaterThan(1000);
      expect(s.fds).toBeGreaterThan(2);
    }
    expect(r.growth?.judged).toBe(true);
    expect(existsSync(`/proc/${r.process.pid}`)).toBe(false);
    expect(readFileSync(join(out, 'soak.md'), 'utf8')).toMatch(/^# Soak: PASS\n/);
    expect(existsSync(join(out, 'parsec.log'))).toBe(true);
  }, 180_000);

  describe('against a proxy in front of a real Parsec (test double rewriting answers)', () => {
    let target: StartedTarget;
    beforeAll(async () => {
      target = await startTarget({
        kind: 'native',
        parsec: { from: 'debian', suite: 'trixie' },
        providers: [{ key: 'mbed' }],
      });
    }, 120_000);
    afterAll(async () => target?.stop());

    test('one signature in five with a bit flipped: wrong answers, named, and exit 1', async () => {
      let signatures = 0;
      const proxy = await startTamperingProxy(target.socketPath, join(dir, 'wrong.sock'), (header, body) => {
        if (header.opcode !== 0x04 || header.status !== 0 || body.length === 0) return undefined;
        signatures += 1;
        if (signatures % 5 !== 0) return undefined;
        const b = Buffer.from(body);
        b[b.length - 1] = (b[b.length - 1] as number) ^ 0x01;
        return { header, body: b };
      });
      try {
        const out = join(dir, 'wrong');
        const run = await runCli(['soak', '--duration', '5s', '--socket', proxy.socketPath, '--out', out]);
        expect(run.code).toBe(1);
        const r = readReport(out);
        expect(r.verdict).toBe('fail');
        expect(r.load.wrong).toBeGreaterThan(0);
        expect(r.unexplained).toBe(r.load.wrong + r.load.lost);
        expect(r.load.failures[0]).toMatchObject({ kind: 'wrong', operation: expect.stringMatching(/^mbed sign /) });
        expect(r.reasons[0]).toMatch(/lost or wrong answer\(s\) that no expectation entry explains/);
        // Not on this machine's /proc as a process of the harness's: said, not guessed.
        expect(r.process.unavailable).toMatch(/external target/);
        expect(proxy.rewritten.get(0x04) ?? 0).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    }, 120_000);
  });

  test.each([
    [['soak'], "required option '--duration <d>' not specified"],
    [['soak', '--duration', '10'], "--duration: '10' is not a duration"],
    [['soak', '--duration', '1m', '--clients', '0'], '--clients must be a whole number from 1 to 64'],
  ])('%j exits 2: %s', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
