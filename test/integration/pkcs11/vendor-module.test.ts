import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TokenProfile } from '../../../harness/model/token-profile';
import type { RunResults } from '../../../harness/reports/model';
import { ensurePkcs11Tools, runCommand, SOFTHSM2_LIBRARY, type Pkcs11Tools } from '../../../harness/setup';
import { readLoginAttempts } from '../../../harness/targets/token-observations';
import { objectFiles, pinValue, testToken, type TestToken } from './quirk-token-fixture';

/**
 * run --pkcs11-module: a token the harness did not make behind Parsec. SoftHSM2 stands in for a vendor's module, and
 * so does each quirk token; the keys that were on the token before the run are left exactly as they were.
 */
const CLI = resolve(__dirname, '../../../bin/parsec-conformance.cjs');

let tools: Pkcs11Tools;
let out: string;
beforeAll(async () => {
  tools = await ensurePkcs11Tools();
  out = mkdtempSync(join(tmpdir(), 'pc-vendor-'));
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(token: TestToken, args: string[], outDir: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--out', outDir, ...args], {
    env: { ...token.env, VENDOR_PIN: pinValue(token.appPin), ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  const results = existsSync(join(outDir, 'results.json'))
    ? (JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as RunResults)
    : undefined;
  return { ...r, results, output: `${r.stdout}${r.stderr}` };
}

/** The command-line options that put this token, through this module, behind the PKCS#11 provider alone. */
function onToken(module: string, token: TestToken, withPin = true): string[] {
  return [
    ...['--providers', 'pkcs11', '--pkcs11-module', module, '--serial', token.serial],
    ...(withPin ? ['--pin-env', 'VENDOR_PIN'] : []),
  ];
}

/** Each object file of the token with a hash of its content: a key touched in any way shows. */
function objectDigests(token: TestToken): Record<string, string> {
  return Object.fromEntries(
    objectFiles(token).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(token.tokenDir, f)))
        .digest('hex'),
    ]),
  );
}

/** A key pair of "somebody else's" on the token, made directly through PKCS#11. */
async function preexistingKey(token: TestToken): Promise<void> {
  const r = await runCommand(
    tools.probe,
    [
      'login',
      '--module',
      SOFTHSM2_LIBRARY,
      '--serial',
      token.serial,
      '--pin-env',
      'P',
      '--create-token-key',
      'vendor-key',
    ],
    { env: { ...token.env, P: token.appPin.toString('utf8') } },
  );
  expect(r.output).toMatch(/"createTokenKey":0/);
}

/** The failed cases of a run with their messages' first lines: what a failing run is read by. */
const failedCases = (r: { results?: RunResults }): string =>
  (r.results?.cases ?? [])
    .filter((c) => c.status === 'failed' || c.status === 'unexpected-pass')
    .map((c) => `${c.id}: ${(c.message ?? '').split('\n')[0]}`)
    .join('\n');

const status = (r: { results?: RunResults }, id: string) => r.results?.cases.find((c) => c.id === id)?.status;

describe('run --pkcs11-module with a SoftHSM2 token of its own', () => {
  let token: TestToken;
  beforeAll(async () => {
    token = await testToken(undefined, { prefix: 'pc-vendor-softhsm2-' });
    await preexistingKey(token);
  }, 60_000);
  afterAll(() => rmSync(token.dir, { recursive: true, force: true }));

  test('natively: every suite runs and passes, the profile is written, the key already there is untouched', () => {
    const before = objectDigests(token);
    expect(Object.keys(before)).toHaveLength(2);
    const dir = join(out, 'softhsm2-native');
    const r = run(token, onToken(SOFTHSM2_LIBRARY, token), dir);
    if (r.status !== 0) throw new Error(`run exit ${r.status}:\n${failedCases(r)}\n${r.output.slice(-3000)}`);
    const cases = r.results?.cases ?? [];
    expect(cases.filter((c) => c.provider === 'pkcs11' && c.status === 'passed').length).toBeGreaterThan(500);
    expect(status(r, 'harness/hygiene/token-objects-unchanged')).toBe('passed');
    expect(status(r, 'harness/hygiene/no-keys-left-behind')).toBe('passed');
    expect(status(r, 'harness/expectations/every-entry-matches-a-case')).toBe('passed');
    // The PIN matrix runs on the harness's own tokens, and the concurrent load is not put on a token of the user's.
    expect(cases.find((c) => c.id === 'pkcs11/pkcs11-pin/baseline/correct')?.status).toBe('skipped');
    expect(cases.find((c) => c.id.startsWith('pkcs11/concurrent-generate-key/'))?.status).toBe('skipped');
    const profile = JSON.parse(readFileSync(join(dir, 'token-profile.json'), 'utf8')) as TokenProfile;
    expect(profile.token.serial).toBe(token.serial);
    expect(profile.destructive).toBe(false);
    expect(objectDigests(token)).toEqual(before);
  }, 240_000);

  test('in the Parsec container, with the token files and SOFTHSM2_CONF passed in', () => {
    const before = objectDigests(token);
    const r = run(
      token,
      [
        '--target',
        'containers',
        ...onToken(SOFTHSM2_LIBRARY, token),
        '--pkcs11-mount',
        token.dir,
        '--pkcs11-env',
        'SOFTHSM2_CONF',
        '--suite',
        'crypto/psa-generate-key',
        'crypto/psa-sign-hash-ecdsa',
      ],
      join(out, 'softhsm2-containers'),
    );
    if (r.status !== 0) throw new Error(`run exit ${r.status}:\n${failedCases(r)}\n${r.output.slice(-3000)}`);
    expect(r.output).toMatch(
      /the PKCS#11 module \/usr\/lib\/softhsm\/libsofthsm2.so is bound into the Parsec container/,
    );
    expect(r.results?.target.kind).toBe('containers');
    expect(status(r, 'harness/hygiene/token-objects-unchanged')).toBe('passed');
    expect(objectDigests(token)).toEqual(before);
  }, 240_000);
});

describe('run --pkcs11-module with a token that lacks RSA OAEP and PSS', () => {
  let token: TestToken;
  beforeAll(async () => {
    token = await testToken('baseline', { hideMechanisms: [0x9, 0xd], prefix: 'pc-vendor-lacking-' });
  }, 60_000);
  afterAll(() => rmSync(token.dir, { recursive: true, force: true }));

  test('what the token lacks is expected not-supported; what Parsec then does wrong is a recorded deviation', () => {
    const dir = join(out, 'lacking');
    const r = run(
      token,
      [...onToken(tools.quirkModule, token), '--suite', 'crypto/psa-sign-hash-rsa', 'crypto/psa-asymmetric-encrypt'],
      dir,
    );
    if (r.status !== 0) throw new Error(`run exit ${r.status}:\n${failedCases(r)}\n${r.output.slice(-3000)}`);
    expect(r.output).toMatch(
      /it lacks RSA PSS signatures, RSA OAEP encryption: those cases expect PsaErrorNotSupported/,
    );
    const profile = JSON.parse(readFileSync(join(dir, 'token-profile.json'), 'utf8')) as TokenProfile;
    expect(profile.parsecUses.filter((u) => !u.available).map((u) => u.id)).toEqual([
      'sign-rsa-pss',
      'encrypt-rsa-oaep',
    ]);
    // On SoftHSM2 with PSS, this case is a known deviation (PsaErrorNotSupported although CanDoCrypto says yes);
    // on a token without PSS, PsaErrorNotSupported is right and the case passes.
    expect(status(r, 'pkcs11/psa-sign-hash-rsa/rsa-2048-pss-sha-256-signature')).toBe('passed');
    const oaep = r.results?.cases.find(
      (c) => c.id === 'pkcs11/psa-asymmetric-encrypt/rsa-2048-oaep-sha-256-encryption-of-a-32-byte-message',
    );
    expect(oaep?.status).toBe('expected-fail');
    expect(oaep?.message).toMatch(/On a token without CKM_RSA_PKCS_OAEP/);
  }, 240_000);
});

/**
 * Each quirk token standing in for a vendor's module, with its own PIN in --pin-env (none for the PIN pad): what
 * Parsec 1.4.1 makes of it. Starting fails (exit 2) where Parsec's login at start fails; the PIN pad token starts, but
 * Parsec never logs in with a NULL PIN, so its operations fail (exit 1).
 */
const OUTCOMES: Readonly<Record<string, { exit: number; says?: RegExp }>> = {
  baseline: { exit: 0 },
  'no-login-required': { exit: 0 },
  'any-pin': { exit: 0 },
  'empty-pin': { exit: 0 },
  'binary-pin': { exit: 2, says: /The specified PIN is incorrect[\s\S]*names these PIN quirks: binary-pin/ },
  'protected-auth-path': { exit: 1, says: /PsaErrorCommunicationFailure/ },
  'already-logged-in': { exit: 0 },
  'wrong-error-on-bad-pin': { exit: 0 },
  'pin-lockout': { exit: 0 },
  'user-pin-not-initialized': { exit: 2, says: /normal user.s PIN has not yet been initialized/ },
  'pin-to-be-changed': { exit: 2, says: /The specified PIN has expired/ },
};

describe.each(Object.entries(OUTCOMES))('run --pkcs11-module with the %s quirk token', (quirk, expected) => {
  test(`exits ${expected.exit}, with the token's profile naming what it saw`, async () => {
    const token = await testToken(quirk, { prefix: `pc-vendor-${quirk}-` });
    try {
      const dir = join(out, `quirk-${quirk}`);
      const r = run(
        token,
        [...onToken(tools.quirkModule, token, quirk !== 'protected-auth-path'), '--suite', 'crypto/psa-generate-key'],
        dir,
      );
      if (r.status !== expected.exit) throw new Error(`run exit ${r.status}:\n${r.output.slice(-3000)}`);
      if (expected.says) expect(r.output).toMatch(expected.says);
      const profile = JSON.parse(readFileSync(join(dir, 'token-profile.json'), 'utf8')) as TokenProfile;
      const seen = profile.quirks.seen.map((q) => q.name);
      // Without a wrong PIN the probe cannot tell these apart from the baseline (see probe-token.test.ts).
      expect(seen).toEqual(
        ['baseline', 'any-pin', 'wrong-error-on-bad-pin', 'pin-lockout'].includes(quirk) ? [] : [quirk],
      );
      // Neither the probe nor the run sent the token any PIN but the one they were given (a NULL one to the PIN
      // pad); Parsec 1.4.1 turns the binary PIN's non-UTF-8 bytes into U+FFFD on the way (a recorded deviation).
      const pins = new Set(readLoginAttempts(token.attemptsFile, token.appPin).map((a) => a.pin));
      expect(pins.size).toBeGreaterThan(0);
      const allowed = [
        "the token's PIN",
        "the token's PIN (empty)",
        'NULL',
        "the token's PIN with its non-UTF-8 bytes replaced by U+FFFD",
      ];
      for (const p of pins) expect(allowed).toContain(p);
    } finally {
      rmSync(token.dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('run --pkcs11-module refuses what cannot work, with exit 2', () => {
  const refuse = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [CLI, 'run', '--out', join(out, 'refused'), ...args], {
      env: { ...process.env, VENDOR_PIN: 'x', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  test.each([
    [['--serial', 'abc'], /--serial selects a token of a module of yours; give --pkcs11-module LIB too/],
    [['--pkcs11-module', '/nonexistent/lib.so'], /--pkcs11-module \/nonexistent\/lib.so: no such file/],
    [['--pkcs11-module', SOFTHSM2_LIBRARY, '--providers', 'mbed'], /--providers mbed has no pkcs11/],
    [
      ['--pkcs11-module', SOFTHSM2_LIBRARY, '--pkcs11-mount', '/tmp'],
      /--pkcs11-mount and --pkcs11-env go with --target containers/,
    ],
    [
      [
        '--target',
        'containers',
        '--pkcs11-module',
        SOFTHSM2_LIBRARY,
        '--pin-env',
        'VENDOR_PIN',
        '--pkcs11-env',
        'VENDOR_PIN',
      ],
      /would hand the PIN to the container's environment/,
    ],
    [
      ['--pkcs11-module', SOFTHSM2_LIBRARY, '--pin-env', 'UNSET_PIN_VARIABLE'],
      /--pin-env UNSET_PIN_VARIABLE: the variable is not set/,
    ],
  ])('%j', (args, message) => {
    const r = refuse(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
