import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TokenProfile } from '../../../harness/model/token-profile';
import { ensurePkcs11Tools, SOFTHSM2_LIBRARY, type Pkcs11Tools } from '../../../harness/setup';
import { quirkCatalogue } from '../../../harness/targets/quirks';
import { readLoginAttempts } from '../../../harness/targets/token-observations';
import { probeToken } from '../../../harness/tokens';
import { objectFiles, pinValue, testToken, type TestToken } from './quirk-token-fixture';

/**
 * probe-token on each quirk token and on SoftHSM2 itself: it names the quirk it sees, lists what it cannot tell
 * without a wrong PIN, and sends nothing but the given PIN (or a NULL one on a PIN pad) and creates nothing unless
 * allowed to.
 */
const QUIRKS = Object.keys(quirkCatalogue().quirks);
const CLI = resolve(__dirname, '../../../bin/parsec-conformance.cjs');
/** Quirks that only a wrong PIN shows: without --allow-destructive they are "not determined". */
const NEED_A_WRONG_PIN = ['baseline', 'any-pin', 'wrong-error-on-bad-pin', 'pin-lockout'];

let tools: Pkcs11Tools;
beforeAll(async () => {
  tools = await ensurePkcs11Tools();
}, 300_000);

async function probe(token: TestToken, module: string, destructive: boolean): Promise<TokenProfile> {
  return probeToken({
    probe: tools.probe,
    module,
    serial: token.serial,
    pin: token.appPin,
    destructive,
    env: token.env,
  });
}

describe.each(QUIRKS)('probe-token on the %s quirk token', (quirk) => {
  let token: TestToken;
  beforeEach(async () => {
    token = await testToken(quirk);
  });
  afterEach(() => rmSync(token.dir, { recursive: true, force: true }));

  test('by default: names the quirk (or says a wrong PIN would be needed), sends only the given PIN, creates nothing', async () => {
    const before = objectFiles(token);
    const profile = await probe(token, tools.quirkModule, false);
    const seen = profile.quirks.seen.map((q) => q.name);
    if (NEED_A_WRONG_PIN.includes(quirk)) {
      expect(seen).toEqual([]);
      if (quirk !== 'baseline') expect(profile.quirks.undetermined.map((q) => q.name)).toContain(quirk);
    } else {
      expect(seen).toEqual([quirk]);
    }
    expect(profile.destructive).toBe(false);
    expect(profile.logins.map((l) => l.pin)).toEqual([quirk === 'protected-auth-path' ? 'null' : 'given']);
    // The token's own record: every login used its PIN (a NULL one on the PIN pad), none a wrong, empty or NULL one.
    const attempts = readLoginAttempts(token.attemptsFile, token.appPin);
    expect(attempts.length).toBeGreaterThan(0);
    const expectedPin =
      quirk === 'protected-auth-path' ? 'NULL' : quirk === 'empty-pin' ? "the token's PIN (empty)" : "the token's PIN";
    for (const a of attempts) expect(a.pin).toBe(expectedPin);
    expect(objectFiles(token)).toEqual(before);
  });

  test('with --allow-destructive: names exactly this quirk', async () => {
    const profile = await probe(token, tools.quirkModule, true);
    expect(profile.quirks.seen.map((q) => q.name)).toEqual([quirk]);
    expect(profile.quirks.undetermined).toEqual([]);
    expect(profile.destructive).toBe(true);
    // Never more than two wrong PINs, and the token is not left locked.
    const wrong = readLoginAttempts(token.attemptsFile, token.appPin).filter((a) => a.pin.startsWith('another PIN'));
    expect(wrong.length).toBeLessThanOrEqual(2);
    if (quirk === 'pin-lockout') expect(profile.flagsAfterWrongPins?.at(-1)).toContain('CKF_USER_PIN_FINAL_TRY');
    const again = await probe(token, tools.quirkModule, false);
    expect(again.token.flags).not.toContain('CKF_USER_PIN_LOCKED');
  });
});

describe('probe-token on SoftHSM2 itself, through the command line', () => {
  let token: TestToken;
  let out: string;
  beforeAll(async () => {
    token = await testToken();
    out = mkdtempSync(join(tmpdir(), 'pc-probe-out-'));
  });
  afterAll(() => {
    rmSync(token.dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [CLI, 'probe-token', ...args], {
      env: { ...token.env, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });

  test('names no quirk without a wrong PIN, the baseline with one; writes the profile and a summary', () => {
    const file = join(out, 'softhsm2.json');
    const r = cli(['--module', SOFTHSM2_LIBRARY, '--serial', token.serial, '--pin-env', 'TOKEN_PIN', '--out', file], {
      TOKEN_PIN: pinValue(token.appPin),
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Token "parsec-conformance" \(SoftHSM project SoftHSM v2/);
    expect(r.stdout).toMatch(/Quirks seen: none/);
    expect(r.stdout).toMatch(/any-pin: needs a wrong-PIN attempt \(--allow-destructive/);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as TokenProfile;
    expect(profile.parsecUses.every((u) => u.available)).toBe(true);
    expect(profile.ecPoint.from).toBe('not read');
    expect(profile.logins).toEqual([{ pin: 'given', answer: 'CKR_OK', loggedIn: true, secondSessionLoggedIn: true }]);

    const d = cli(
      [
        '--module',
        SOFTHSM2_LIBRARY,
        '--serial',
        token.serial,
        '--pin-env',
        'TOKEN_PIN',
        '--allow-destructive',
        '--json',
        '--out',
        file,
      ],
      { TOKEN_PIN: pinValue(token.appPin) },
    );
    expect(d.status).toBe(0);
    const destructive = JSON.parse(d.stdout) as TokenProfile;
    expect(destructive.quirks.seen.map((q) => q.name)).toEqual(['baseline']);
    // SoftHSM2 counts wrong PINs in its flags but never locks.
    expect(destructive.flagsAfterWrongPins).toHaveLength(2);
    expect(destructive.ecPoint).toEqual({ encoding: 'der', from: 'session key pair' });
    // The PIN is nowhere in what the command printed or wrote.
    for (const text of [r.stdout, r.stderr, d.stdout, d.stderr, readFileSync(file, 'utf8')]) {
      expect(text).not.toContain(token.appPin.toString('utf8'));
      expect(text).not.toContain(token.appPin.toString('hex'));
    }
  });

  test.each([
    [['--slot', '1', '--serial', 'x'], /--slot and --serial both select the token/],
    [['--slot', 'two'], /--slot must be a slot number/],
    [['--pin-env', 'NOT_SET_ANYWHERE'], /--pin-env NOT_SET_ANYWHERE: the variable is not set/],
    [['--pin-env', 'BAD_HEX'], /--pin-env BAD_HEX: the PIN starts with hex: but the rest is not/],
  ])('refuses %j with exit 2 and says why', (args, message) => {
    const r = cli(['--module', SOFTHSM2_LIBRARY, ...args, '--out', join(out, 'x.json')], { BAD_HEX: 'hex:zz' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(out, 'x.json'))).toBe(false);
  });

  test('a module that does not exist, or is not PKCS#11, is exit 2 with the reason', () => {
    const missing = cli(['--module', '/nonexistent/libtoken.so', '--out', join(out, 'x.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--module \/nonexistent\/libtoken.so: no such file/);
    const notPkcs11 = cli(['--module', '/bin/true', '--out', join(out, 'x.json')]);
    expect(notPkcs11.status).toBe(2);
    expect(notPkcs11.stderr).toMatch(/the PKCS#11 probe of \/bin\/true failed: cannot load the module/);
  });
});
