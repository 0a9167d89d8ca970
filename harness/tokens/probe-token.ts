import {
  ckrName,
  CKF_TOKEN,
  mechanismFlagNames,
  mechanismName,
  PARSEC_MECHANISM_USES,
  sessionIsUser,
  tokenFlagNames,
} from '../model/pkcs11';
import {
  WRONG_PINS_AT_MOST,
  type ProfiledLogin,
  type ProfiledMechanism,
  type ProfiledUse,
  type TokenProfile,
} from '../model/token-profile';
import { isUtf8 } from './pin-value';
import { runProbe, wrongPin, type ProbePin, type TokenSelector } from './probe-tool';
import { nameQuirks } from './quirk-names';

export interface ProbeTokenOptions extends TokenSelector {
  /** The harness's pkcs11-probe executable (ensurePkcs11Tools). */
  readonly probe: string;
  /** The user PIN's bytes, when the user gave one. */
  readonly pin?: Buffer;
  /**
   * Wrong, empty and NULL PIN attempts (each followed by a login with the given PIN, which resets a try counter), and a
   * session key pair for the EC point encoding. Off by default: a wrong PIN can lock a real token.
   */
  readonly destructive?: boolean;
  /** The environment the module is loaded in (its own configuration variables). */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

interface RawToken {
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  flags: number;
  minPinLen: number;
  maxPinLen: number;
}

interface RawInfo {
  library: TokenProfile['library'];
  slot: number;
  slots: { id: number; description: string; flags: number; token: RawToken }[];
  existingEcPoint?: string;
  mechanisms: { type: number; minKeySize: number; maxKeySize: number; flags: number }[];
}

interface RawLogin {
  login?: number;
  state?: number;
  stateBeforeLogin?: number;
  secondSessionState?: number;
  ecPoint?: string;
  ecKeyPairGen?: number;
}

const SLOT_FLAGS: Readonly<Record<string, number>> = {
  CKF_TOKEN_PRESENT: 0x1,
  CKF_REMOVABLE_DEVICE: 0x2,
  CKF_HW_SLOT: 0x4,
};

function profiledUses(mechanisms: readonly ProfiledMechanism[]): ProfiledUse[] {
  return PARSEC_MECHANISM_USES.map((use) => {
    const m = mechanisms.find((x) => x.value === use.mechanism);
    const base = { id: use.id, operations: use.operations, what: use.what, mechanism: mechanismName(use.mechanism) };
    if (!m) return { ...base, available: false, missing: `${base.mechanism} is not in the token's mechanism list` };
    if (!m.flags.includes(use.flag)) {
      return { ...base, available: false, missing: `${base.mechanism} is listed without ${use.flag}` };
    }
    return { ...base, available: true, keySizes: { min: m.minKeySize, max: m.maxKeySize } };
  });
}

function loginOf(pin: ProfiledLogin['pin'], raw: RawLogin): ProfiledLogin {
  return {
    pin,
    answer: raw.login === undefined ? 'not attempted' : ckrName(raw.login),
    loggedIn: raw.state !== undefined && sessionIsUser(raw.state),
    ...(raw.secondSessionState !== undefined ? { secondSessionLoggedIn: sessionIsUser(raw.secondSessionState) } : {}),
  };
}

function ecEncoding(value: string | undefined): TokenProfile['ecPoint']['encoding'] {
  return value === 'der' || value === 'raw' || value === 'none' ? value : 'unknown';
}

/**
 * Characterises a token through PKCS#11 directly: its slot and token flags, its mechanisms mapped to what Parsec
 * needs, how a login with the given PIN goes (and whether a second session shares it), the CKA_EC_POINT encoding, and
 * the quirks all that shows. Without `destructive` nothing but the given PIN (or a NULL PIN on a PIN pad) is sent,
 * and nothing is created.
 */
export async function probeToken(o: ProbeTokenOptions): Promise<TokenProfile> {
  const log = o.log ?? (() => undefined);
  const selector: TokenSelector = {
    module: o.module,
    ...(o.slot !== undefined ? { slot: o.slot } : {}),
    ...(o.serial !== undefined ? { serial: o.serial } : {}),
  };
  const call = (command: 'info' | 'login', pin?: ProbePin, flags: string[] = []) =>
    runProbe(o.probe, command, selector, { ...(pin ? { pin } : {}), flags, ...(o.env ? { env: o.env } : {}) });
  const notes: string[] = [];

  log(`reading the token's slot, flags and mechanisms through ${o.module}`);
  const info = (await call('info', undefined, ['--find-ec-point'])) as unknown as RawInfo;
  const slot = info.slots.find((s) => s.id === info.slot);
  if (!slot) throw new Error(`internal: the probe chose slot ${info.slot} but did not list it`);
  const tokenFlags = (flags: number) => tokenFlagNames(flags) as string[];
  const pinPad = (slot.token.flags & CKF_TOKEN.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0;

  const mechanisms: ProfiledMechanism[] = info.mechanisms.map((m) => ({
    value: m.type,
    name: mechanismName(m.type),
    minKeySize: m.minKeySize,
    maxKeySize: m.maxKeySize,
    flags: mechanismFlagNames(m.flags),
  }));

  // A session opened without a login: a token that logs sessions in by itself shows it here.
  const open = (await call('login', { kind: 'none' })) as RawLogin;
  const sessionsLoggedInAtOpen = open.stateBeforeLogin !== undefined && sessionIsUser(open.stateBeforeLogin);

  const logins: ProfiledLogin[] = [];
  let givenWorks = false;
  const given: ProbePin | undefined = pinPad
    ? { kind: 'null' }
    : o.pin !== undefined
      ? { kind: 'bytes', bytes: o.pin }
      : undefined;
  if (pinPad) {
    log(
      'the token has a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH): logging in with a NULL PIN, the PIN is entered on the device',
    );
    if (o.pin !== undefined)
      notes.push('the token has a PIN pad: the PIN given was not sent, the login used a NULL PIN');
  }
  if (given) {
    const r = (await call('login', given, ['--second-session'])) as RawLogin;
    const l = loginOf(given.kind === 'null' ? 'null' : 'given', r);
    logins.push(l);
    givenWorks = l.loggedIn;
  } else {
    notes.push('no PIN was given (--pin-env or the prompt): the login with the PIN was not tried');
  }

  let flagsAfterWrongPins: string[][] | undefined;
  let ecPoint: TokenProfile['ecPoint'] =
    info.existingEcPoint === 'der' || info.existingEcPoint === 'raw'
      ? { encoding: info.existingEcPoint, from: 'existing public key' }
      : { encoding: ecEncoding(info.existingEcPoint), from: 'not read' };
  const reset = async (): Promise<void> => {
    if (given && givenWorks) await call('login', given);
  };

  if (o.destructive) {
    const lastTry = slot.token.flags & (CKF_TOKEN.CKF_USER_PIN_FINAL_TRY | CKF_TOKEN.CKF_USER_PIN_LOCKED);
    if (lastTry) {
      notes.push(
        'the token shows its final PIN try (or a locked PIN): no wrong or empty PIN was sent, even with --allow-destructive',
      );
    } else {
      log(
        `--allow-destructive: sending up to ${WRONG_PINS_AT_MOST} wrong PINs (stopping at a final try), then the given PIN to reset the try counter`,
      );
      flagsAfterWrongPins = [];
      // Without a PIN that logs in, nothing resets the try counter: one wrong PIN is all the probe sends then.
      const atMost = givenWorks ? WRONG_PINS_AT_MOST : 1;
      if (!givenWorks)
        notes.push('no PIN that logs in was given, so nothing resets the try counter: one wrong PIN was sent');
      for (let i = 0; i < atMost; i += 1) {
        const wrong = wrongPin(slot.token.minPinLen, slot.token.maxPinLen);
        const answer = loginOf('wrong', (await call('login', { kind: 'bytes', bytes: wrong })) as RawLogin);
        if (i === 0) logins.push(answer);
        const after = (await call('info')) as unknown as RawInfo;
        const flags = tokenFlags(after.slots.find((s) => s.id === info.slot)?.token.flags ?? 0);
        flagsAfterWrongPins.push(flags);
        if (flags.includes('CKF_USER_PIN_FINAL_TRY') || flags.includes('CKF_USER_PIN_LOCKED')) break;
      }
      await reset();
      const counting = flagsAfterWrongPins.some((f) => f.some((x) => x.startsWith('CKF_USER_PIN_')));
      if (givenWorks || !counting) {
        logins.push(loginOf('empty', (await call('login', { kind: 'bytes', bytes: Buffer.alloc(0) })) as RawLogin));
        await reset();
      } else {
        notes.push('the token counts wrong PINs and no PIN that logs in was given to reset it: no empty PIN was sent');
      }
    }
    if (!pinPad) logins.push(loginOf('null', (await call('login', { kind: 'null' })) as RawLogin));
    if (given && givenWorks && ecPoint.from === 'not read') {
      log('--allow-destructive: a P-256 key pair as session objects (gone with the session) for the EC point encoding');
      const r = (await call('login', given, ['--ec-point'])) as RawLogin;
      ecPoint = { encoding: ecEncoding(r.ecPoint), from: 'session key pair' };
      if (r.ecKeyPairGen !== undefined && r.ecKeyPairGen !== 0) {
        notes.push(`the session key pair for the EC point was refused: ${ckrName(r.ecKeyPairGen)}`);
      }
    }
  } else if (ecPoint.from === 'not read') {
    notes.push(
      'no public EC key is on the token: the CKA_EC_POINT encoding needs a session key pair (--allow-destructive)',
    );
  }

  const pinGiven = o.pin !== undefined && !pinPad ? { bytes: o.pin.length, utf8: isUtf8(o.pin) } : undefined;
  const partial = {
    format: 1 as const,
    probedAt: new Date().toISOString(),
    module: o.module,
    library: info.library,
    slot: {
      id: slot.id,
      description: slot.description,
      flags: Object.keys(SLOT_FLAGS).filter((k) => (slot.flags & (SLOT_FLAGS[k] as number)) !== 0),
    },
    token: {
      label: slot.token.label,
      manufacturer: slot.token.manufacturer,
      model: slot.token.model,
      serial: slot.token.serial,
      flags: tokenFlags(slot.token.flags),
      minPinLen: slot.token.minPinLen,
      maxPinLen: slot.token.maxPinLen,
    },
    destructive: o.destructive === true,
    sessionsLoggedInAtOpen,
    ...(pinGiven ? { pinGiven } : {}),
    logins,
    ...(flagsAfterWrongPins ? { flagsAfterWrongPins } : {}),
    ecPoint,
    mechanisms,
    parsecUses: profiledUses(mechanisms),
    notes,
  };
  return { ...partial, quirks: nameQuirks(partial) };
}
