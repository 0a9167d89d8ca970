import type { ProfiledLogin, SeenQuirk, TokenProfile } from '../model/token-profile';

/** Answers to a wrong PIN that are proper PIN errors (a token may refuse a PIN for its characters or length). */
const PROPER_WRONG_PIN_ANSWERS = [
  'CKR_PIN_INCORRECT',
  'CKR_PIN_INVALID',
  'CKR_PIN_LEN_RANGE',
  'CKR_PIN_LOCKED',
  // Tokens whose login is not about the PIN at all: other quirks explain these.
  'CKR_OK',
  'CKR_USER_ALREADY_LOGGED_IN',
  'CKR_USER_PIN_NOT_INITIALIZED',
];

const COUNTER_FLAGS = ['CKF_USER_PIN_COUNT_LOW', 'CKF_USER_PIN_FINAL_TRY', 'CKF_USER_PIN_LOCKED'];

type Observed = Omit<TokenProfile, 'quirks'>;

/**
 * Names the PIN quirks (fixtures/pkcs11-pin/quirks.json) a profile shows, with the evidence for each, and the ones it
 * cannot rule in or out with what the probe was allowed to do. `baseline` is named only when every check ran and
 * none showed a quirk.
 */
export function nameQuirks(p: Observed): TokenProfile['quirks'] {
  const seen: SeenQuirk[] = [];
  const undetermined: { name: string; needs: string }[] = [];
  const flags = new Set(p.token.flags);
  const login = (pin: ProfiledLogin['pin']) => p.logins.find((l) => l.pin === pin);
  const given = login('given') ?? login('null');
  const wrong = login('wrong');
  const empty = login('empty');
  const answered = (answer: string) => p.logins.filter((l) => l.answer === answer);
  const loginRequired = flags.has('CKF_LOGIN_REQUIRED');
  const wrongNeeds = p.destructive
    ? 'a wrong-PIN attempt, which the probe left out (see the notes)'
    : 'a wrong-PIN attempt (--allow-destructive; a wrong PIN can lock a real token)';

  if (!loginRequired) {
    seen.push({ name: 'no-login-required', evidence: 'CKF_LOGIN_REQUIRED is clear in the token flags' });
  }
  if (flags.has('CKF_PROTECTED_AUTHENTICATION_PATH')) {
    seen.push({
      name: 'protected-auth-path',
      evidence: `CKF_PROTECTED_AUTHENTICATION_PATH is set${given?.pin === 'null' ? `; C_Login with a NULL PIN answered ${given.answer}` : ''}`,
    });
  }
  const notInitialised = answered('CKR_USER_PIN_NOT_INITIALIZED');
  if (!flags.has('CKF_USER_PIN_INITIALIZED') || notInitialised.length > 0) {
    seen.push({
      name: 'user-pin-not-initialized',
      evidence: [
        !flags.has('CKF_USER_PIN_INITIALIZED') ? 'CKF_USER_PIN_INITIALIZED is clear' : '',
        notInitialised.length > 0
          ? `C_Login answered CKR_USER_PIN_NOT_INITIALIZED (${notInitialised.map((l) => `${l.pin} PIN`).join(', ')})`
          : '',
      ]
        .filter((t) => t)
        .join('; '),
    });
  }
  if (flags.has('CKF_USER_PIN_TO_BE_CHANGED') || given?.answer === 'CKR_PIN_EXPIRED') {
    seen.push({
      name: 'pin-to-be-changed',
      evidence: [
        flags.has('CKF_USER_PIN_TO_BE_CHANGED') ? 'CKF_USER_PIN_TO_BE_CHANGED is set' : '',
        given?.answer === 'CKR_PIN_EXPIRED' ? 'the given PIN was answered CKR_PIN_EXPIRED' : '',
      ]
        .filter((t) => t)
        .join('; '),
    });
  }
  const lockFlags = ['CKF_USER_PIN_FINAL_TRY', 'CKF_USER_PIN_LOCKED'];
  const counters = lockFlags.filter((f) => flags.has(f));
  const after = p.flagsAfterWrongPins ?? [];
  const lockedAfter = after.findIndex((f) => lockFlags.some((x) => f.includes(x)));
  const locked = answered('CKR_PIN_LOCKED');
  if (counters.length > 0 || lockedAfter >= 0 || locked.length > 0) {
    seen.push({
      name: 'pin-lockout',
      evidence: [
        counters.length > 0 ? `the token flags show ${counters.join(', ')}` : '',
        lockedAfter >= 0
          ? `after ${lockedAfter + 1} wrong PIN${lockedAfter === 0 ? '' : 's'} the flags show ${(after[lockedAfter] ?? []).filter((f) => COUNTER_FLAGS.includes(f)).join(', ')}`
          : '',
        locked.length > 0 ? 'C_Login answered CKR_PIN_LOCKED' : '',
      ]
        .filter((t) => t)
        .join('; '),
    });
  } else if (!wrong) {
    undetermined.push({
      name: 'pin-lockout',
      needs: `${wrongNeeds}, to see whether the flags count down to a final try`,
    });
  }
  const alreadyAnswered = given?.answer === 'CKR_USER_ALREADY_LOGGED_IN';
  if (loginRequired && (p.sessionsLoggedInAtOpen || alreadyAnswered)) {
    seen.push({
      name: 'already-logged-in',
      evidence: [
        p.sessionsLoggedInAtOpen ? 'a new session is logged in before any C_Login' : '',
        alreadyAnswered ? 'the first C_Login of the process answered CKR_USER_ALREADY_LOGGED_IN' : '',
      ]
        .filter((t) => t)
        .join('; '),
    });
  }

  const anyPin = loginRequired && !p.sessionsLoggedInAtOpen && wrong?.answer === 'CKR_OK';
  if (anyPin) seen.push({ name: 'any-pin', evidence: 'a wrong PIN was answered CKR_OK and logged the session in' });
  else if (!wrong) undetermined.push({ name: 'any-pin', needs: wrongNeeds });

  // A PIN pad takes no PIN from the application: refusing one as a bad argument is its proper answer.
  const proper = flags.has('CKF_PROTECTED_AUTHENTICATION_PATH')
    ? [...PROPER_WRONG_PIN_ANSWERS, 'CKR_ARGUMENTS_BAD']
    : PROPER_WRONG_PIN_ANSWERS;
  if (wrong && !proper.includes(wrong.answer)) {
    seen.push({
      name: 'wrong-error-on-bad-pin',
      evidence: `a wrong PIN was answered ${wrong.answer}, not CKR_PIN_INCORRECT`,
    });
  } else if (!wrong) {
    undetermined.push({ name: 'wrong-error-on-bad-pin', needs: wrongNeeds });
  }

  const givenWorked =
    given?.pin === 'given' && given.loggedIn && ['CKR_OK', 'CKR_USER_ALREADY_LOGGED_IN'].includes(given.answer);
  if (!anyPin && loginRequired && !p.sessionsLoggedInAtOpen) {
    if ((givenWorked && p.pinGiven?.bytes === 0) || (empty?.answer === 'CKR_OK' && wrong !== undefined)) {
      seen.push({
        name: 'empty-pin',
        evidence:
          givenWorked && p.pinGiven?.bytes === 0
            ? 'the given PIN is empty and logs in'
            : 'an empty PIN logs in, a wrong one does not',
      });
    } else if (!p.pinGiven && !empty) {
      undetermined.push({
        name: 'empty-pin',
        needs: 'the PIN (--pin-env or the prompt), or an empty-PIN attempt (--allow-destructive)',
      });
    }
  }
  if (givenWorked && p.pinGiven && !p.pinGiven.utf8) {
    seen.push({ name: 'binary-pin', evidence: `the given PIN (${p.pinGiven.bytes} bytes) is not UTF-8 and logs in` });
  } else if (!p.pinGiven && flags.has('CKF_LOGIN_REQUIRED') && !flags.has('CKF_PROTECTED_AUTHENTICATION_PATH')) {
    undetermined.push({ name: 'binary-pin', needs: 'the PIN (--pin-env or the prompt)' });
  }

  if (seen.length === 0 && given && !given.loggedIn) {
    undetermined.push({ name: 'baseline', needs: `a PIN that logs in: the given one was answered ${given.answer}` });
  } else if (seen.length === 0 && undetermined.length === 0) {
    seen.push({
      name: 'baseline',
      evidence: `a login is required, the given PIN logs in, a wrong PIN is answered ${wrong?.answer ?? '(not tried)'}, and ${after.length} wrong PIN${after.length === 1 ? '' : 's'} brought no final try (a token that locks after ${after.length + 1} or fewer would have shown one)${after.some((f) => f.includes('CKF_USER_PIN_COUNT_LOW')) ? '; the flags count wrong PINs (CKF_USER_PIN_COUNT_LOW) without locking' : ''}`,
    });
  }
  return { seen, undetermined };
}
