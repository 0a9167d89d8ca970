import type { ProfiledLogin, TokenProfile } from '../../../harness/model/token-profile';
import { tokenLacks } from '../../../harness/model/token-profile';
import { isUtf8, nameQuirks, pinBytes } from '../../../harness/tokens';
import { parseLdd } from '../../../harness/targets/containers/module-libraries';

type Observed = Omit<TokenProfile, 'quirks'>;

const SOFTHSM_FLAGS = ['CKF_RNG', 'CKF_LOGIN_REQUIRED', 'CKF_USER_PIN_INITIALIZED', 'CKF_TOKEN_INITIALIZED'];
const ok = (pin: ProfiledLogin['pin']): ProfiledLogin => ({ pin, answer: 'CKR_OK', loggedIn: true });
const refused = (pin: ProfiledLogin['pin'], answer: string): ProfiledLogin => ({ pin, answer, loggedIn: false });

function observed(o: Partial<Observed>): Observed {
  return {
    format: 1,
    probedAt: '',
    module: '/x.so',
    library: { manufacturer: '', description: '', cryptokiVersion: '2.40', libraryVersion: '1.0' },
    slot: { id: 0, description: '', flags: [] },
    token: { label: 't', manufacturer: '', model: '', serial: 's', flags: SOFTHSM_FLAGS, minPinLen: 4, maxPinLen: 255 },
    destructive: false,
    sessionsLoggedInAtOpen: false,
    pinGiven: { bytes: 8, utf8: true },
    logins: [ok('given')],
    ecPoint: { encoding: 'der', from: 'existing public key' },
    mechanisms: [],
    parsecUses: [],
    notes: [],
    ...o,
  };
}

const names = (o: Partial<Observed>) => nameQuirks(observed(o)).seen.map((q) => q.name);

describe('nameQuirks', () => {
  it('names nothing without a wrong PIN on a plain token, and says what it would take', () => {
    const q = nameQuirks(observed({}));
    expect(q.seen).toEqual([]);
    expect(q.undetermined.map((u) => u.name)).toEqual(['pin-lockout', 'any-pin', 'wrong-error-on-bad-pin']);
  });

  it('names the baseline once a wrong PIN was answered CKR_PIN_INCORRECT without a final try', () => {
    const q = nameQuirks(
      observed({
        destructive: true,
        logins: [ok('given'), refused('wrong', 'CKR_PIN_INCORRECT'), refused('empty', 'CKR_PIN_INCORRECT')],
        flagsAfterWrongPins: [
          [...SOFTHSM_FLAGS, 'CKF_USER_PIN_COUNT_LOW'],
          [...SOFTHSM_FLAGS, 'CKF_USER_PIN_COUNT_LOW'],
        ],
      }),
    );
    expect(q.seen.map((s) => s.name)).toEqual(['baseline']);
    expect(q.seen[0]?.evidence).toMatch(/count wrong PINs \(CKF_USER_PIN_COUNT_LOW\) without locking/);
  });

  it('reads flags: no login required, a PIN pad, a PIN never set, a PIN to change, a final try', () => {
    expect(
      names({ token: { ...observed({}).token, flags: ['CKF_TOKEN_INITIALIZED', 'CKF_USER_PIN_INITIALIZED'] } }),
    ).toContain('no-login-required');
    expect(
      names({ token: { ...observed({}).token, flags: [...SOFTHSM_FLAGS, 'CKF_PROTECTED_AUTHENTICATION_PATH'] } }),
    ).toContain('protected-auth-path');
    expect(names({ logins: [refused('given', 'CKR_USER_PIN_NOT_INITIALIZED')] })).toContain('user-pin-not-initialized');
    expect(names({ logins: [refused('given', 'CKR_PIN_EXPIRED')] })).toEqual(['pin-to-be-changed']);
    expect(names({ token: { ...observed({}).token, flags: [...SOFTHSM_FLAGS, 'CKF_USER_PIN_FINAL_TRY'] } })).toContain(
      'pin-lockout',
    );
  });

  it('tells any PIN, the wrong error and the PIN pad refusing a sent PIN apart', () => {
    expect(
      names({
        destructive: true,
        logins: [ok('given'), ok('wrong'), ok('empty')],
        flagsAfterWrongPins: [SOFTHSM_FLAGS],
      }),
    ).toEqual(['any-pin']);
    expect(
      names({
        destructive: true,
        logins: [ok('given'), refused('wrong', 'CKR_GENERAL_ERROR')],
        flagsAfterWrongPins: [SOFTHSM_FLAGS],
      }),
    ).toEqual(['wrong-error-on-bad-pin']);
    const pinPad = { ...observed({}).token, flags: [...SOFTHSM_FLAGS, 'CKF_PROTECTED_AUTHENTICATION_PATH'] };
    expect(
      names({
        token: pinPad,
        destructive: true,
        pinGiven: undefined,
        logins: [ok('null'), refused('wrong', 'CKR_ARGUMENTS_BAD')],
        flagsAfterWrongPins: [pinPad.flags],
      }),
    ).toEqual(['protected-auth-path']);
  });

  it('names an empty or a binary PIN that logs in, and sessions logged in from the start', () => {
    expect(names({ pinGiven: { bytes: 0, utf8: true } })).toEqual(['empty-pin']);
    expect(names({ pinGiven: { bytes: 10, utf8: false } })).toEqual(['binary-pin']);
    expect(
      names({
        sessionsLoggedInAtOpen: true,
        logins: [{ pin: 'given', answer: 'CKR_USER_ALREADY_LOGGED_IN', loggedIn: true }],
      }),
    ).toEqual(['already-logged-in']);
  });
});

describe('PIN values and token profiles', () => {
  it('reads a PIN as Parsec writes user_pin', () => {
    expect(pinBytes('1234')).toEqual(Buffer.from('1234'));
    expect(pinBytes('hex:31ff00')).toEqual(Buffer.from([0x31, 0xff, 0x00]));
    expect(pinBytes('str:hex:12')).toEqual(Buffer.from('hex:12'));
    expect(() => pinBytes('hex:zz')).toThrow(/not an even number of hex digits/);
    expect(isUtf8(Buffer.from([0xff, 0xfe]))).toBe(false);
  });

  it('says what a token lacks for a question, mechanism or key size', () => {
    const profile = {
      parsecUses: [
        {
          id: 'sign-rsa-pss',
          what: 'RSA PSS signatures',
          mechanism: 'CKM_RSA_PKCS_PSS',
          available: false,
          missing: 'not listed',
        },
        {
          id: 'generate-rsa',
          what: 'RSA key pairs',
          mechanism: 'CKM_RSA_PKCS_KEY_PAIR_GEN',
          available: true,
          keySizes: { min: 1024, max: 2048 },
        },
      ],
    } as unknown as TokenProfile;
    const pss = {
      keyType: { type: 'RsaKeyPair' },
      keyBits: 2048,
      policy: { usage: {}, algorithm: { alg: 'RsaPss', hash: 'Sha256' } },
    } as const;
    expect(tokenLacks(profile, 'Use', pss)).toMatch(/lacks RSA PSS signatures/);
    const big = {
      keyType: { type: 'RsaKeyPair' },
      keyBits: 4096,
      policy: { usage: {}, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
    } as const;
    expect(tokenLacks(profile, 'Generate', big)).toMatch(/takes 1024–2048-bit keys, not 4096/);
    expect(tokenLacks(profile, 'Use', big)).toBeUndefined();
  });

  it('reads ldd output', () => {
    const libs = parseLdd(
      '\tlinux-vdso.so.1 (0x00007ffd)\n\tlibcrypto.so.3 => /lib/x86_64-linux-gnu/libcrypto.so.3 (0x00007fcc17400000)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007fcc17b72000)\n',
    );
    expect([...libs.entries()]).toEqual([['libcrypto.so.3', '/lib/x86_64-linux-gnu/libcrypto.so.3']]);
  });
});
