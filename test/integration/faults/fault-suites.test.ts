import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsOf, runCli } from '../run-cli';

// The fault suites and the TPM reset / token removal lifecycle cases, run as a user runs them, on Parsec 1.4.1 and
// 1.5.0: the gate passes with the recorded deviations as expected failures, each case that breaks a backend ran on a
// service of its own (the run's target stays healthy: its key check passes), and no mount or swtpm is left.
const SUITES = ['faults/*', 'lifecycle/tpm-reset', 'lifecycle/token-removed'];

/** The recorded deviations these suites show on both versions (fixtures/expectations/parsec.json, softhsm2.json). */
const EXPECTED_FAILS = [
  'tpm/swtpm-killed/swtpm-killed-while-an-rsa-2048-generation-waits-on-it-the-generation-is-answered-psaerrorcommunicationfailure',
  'tpm/swtpm-killed/with-swtpm-killed-a-tpm-generation-is-answered-psaerrorcommunicationfailure-at-once',
  'tpm/swtpm-killed/after-swtpm-is-started-again-on-its-state-a-tpm-key-made-before-signs-checked-by-the-oracle-and-a-new-one-is-made',
  'tpm/swtpm-frozen/with-thread-pool-size-4-4-tpm-signatures-hanging-on-a-frozen-swtpm-do-not-keep-ping-on-another-connection-from-being-answered-within-1000-ms',
  'tpm/tpm-reset/after-a-tpm-reset-a-tpm-key-made-before-signs-checked-by-the-oracle',
  'tpm/tpm-reset/after-a-tpm-reset-a-new-tpm-key-is-made-and-signs-checked-by-the-oracle',
  'core/client-faults/with-thread-pool-size-4-4-clients-stalled-after-half-a-header-do-not-keep-ping-on-another-connection-from-being-answered-within-1000-ms',
  'pkcs11/token-read-only/with-the-token-directory-read-only-a-key-made-before-still-signs-checked-by-the-oracle-and-ping-and-the-other-providers-answer',
  'pkcs11/token-read-only/a-destroykey-the-read-only-token-refuses-leaves-the-key-in-place-listkeys-still-lists-it-and-it-still-signs',
  'pkcs11/token-read-only/after-the-token-directory-is-writable-again-generatekey-succeeds-without-a-restart',
  'pkcs11/token-removed/after-the-token-is-put-back-a-key-made-before-signs-checked-by-the-oracle-and-a-new-one-is-made-without-a-restart',
].sort();

const harnessMounts = () =>
  readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes('parsec-conformance-'));

describe('fault suites against the real Parsec, SoftHSM2 and swtpm', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-faults-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  test.each(['trixie', 'sid'])(
    'Parsec from %s: the gate passes (--strict) with the recorded deviations as expected failures, nothing left',
    async (suite) => {
      const mountsBefore = harnessMounts();
      const run = await runCli(['run', '--strict', '--parsec', suite, '--suite', ...SUITES, '--out', out]);
      expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
      const cases = resultsOf(out)?.cases ?? [];
      const ours = cases.filter((c) => !c.id.startsWith('harness/'));
      expect(ours.length).toBe(23);
      expect(
        ours
          .filter((c) => c.status === 'expected-fail')
          .map((c) => c.id)
          .sort(),
      ).toEqual(EXPECTED_FAILS);
      expect(
        ours.filter((c) => !['passed', 'expected-fail'].includes(c.status)).map((c) => `${c.id}: ${c.status}`),
      ).toEqual([]);
      // Every case that broke a backend did it on a service of its own, whose logs the kit kept.
      expect(run.stderr).not.toMatch(/keys were left/);
      expect(harnessMounts()).toEqual(mountsBefore);
    },
    240_000,
  );

  test('on the container target (Parsec 1.4.1): the swtpm faults and the client faults run, the rest skips with its reason', async () => {
    const run = await runCli(['run', '--strict', '--target', 'containers', '--suite', ...SUITES, '--out', out]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    const ours = (resultsOf(out)?.cases ?? []).filter((c) => !c.id.startsWith('harness/'));
    const failing = ours.filter((c) => c.status === 'expected-fail').map((c) => c.id);
    expect(failing.sort()).toEqual(EXPECTED_FAILS.filter((id) => !/started-again-on-its-state|^pkcs11\//.test(id)));
    const skipped = ours.filter((c) => c.status === 'skipped');
    // The token cases and the swtpm restarts: each says what the container target cannot do.
    expect(skipped.map((c) => c.id.split('/')[1]).sort()).toEqual(
      [...Array(2).fill('swtpm-killed'), ...Array(3).fill('token-removed'), ...Array(5).fill('token-read-only')].sort(),
    );
    for (const c of skipped) expect(c.message ?? '').toMatch(/container|SoftHSM2/);
    expect(ours.filter((c) => !['passed', 'expected-fail', 'skipped'].includes(c.status))).toEqual([]);
  }, 240_000);
});
