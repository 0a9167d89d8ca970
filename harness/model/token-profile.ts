import type { KeyAttributes } from '../wire';
import { mechanismUsesFor } from './pkcs11';

/**
 * Wrong PINs a destructive probe sends at most, stopping at the first final-try or locked flag: enough to see the
 * lockout of a token that locks after three, and never a lock of one that shows its final try.
 */
export const WRONG_PINS_AT_MOST = 2;

/** A mechanism as the token lists it. */
export interface ProfiledMechanism {
  readonly value: number;
  readonly name: string;
  readonly minKeySize: number;
  readonly maxKeySize: number;
  readonly flags: readonly string[];
}

/** One use Parsec makes of a token mechanism, and whether this token has it. */
export interface ProfiledUse {
  readonly id: string;
  readonly operations: string;
  readonly what: string;
  readonly mechanism: string;
  readonly available: boolean;
  /** Key sizes in bits the token takes for it, when it has it. */
  readonly keySizes?: { readonly min: number; readonly max: number };
  /** Why it is not available (mechanism not listed, or listed without the flag the use needs). */
  readonly missing?: string;
}

/** A login the probe made: the answer, named. */
export interface ProfiledLogin {
  /** What was sent: the PIN given (never its bytes), a wrong one, an empty one, a NULL one (PIN pad). */
  readonly pin: 'given' | 'wrong' | 'empty' | 'null';
  readonly answer: string;
  /** After the login, the session is logged in. */
  readonly loggedIn: boolean;
  /** A second session of the same application is logged in too (the login is shared across sessions). */
  readonly secondSessionLoggedIn?: boolean;
}

/** A quirk the probe names, and what showed it. */
export interface SeenQuirk {
  readonly name: string;
  readonly evidence: string;
}

/**
 * What `probe-token` found out about a token through PKCS#11 directly (and what a run with `--pkcs11-module` reads its
 * expectations from). Never holds a PIN.
 */
export interface TokenProfile {
  readonly format: 1;
  readonly probedAt: string;
  readonly module: string;
  readonly library: {
    readonly manufacturer: string;
    readonly description: string;
    readonly cryptokiVersion: string;
    readonly libraryVersion: string;
  };
  readonly slot: { readonly id: number; readonly description: string; readonly flags: readonly string[] };
  readonly token: {
    readonly label: string;
    readonly manufacturer: string;
    readonly model: string;
    readonly serial: string;
    readonly flags: readonly string[];
    readonly minPinLen: number;
    readonly maxPinLen: number;
  };
  /** Whether the probe was allowed to make wrong-PIN attempts and create (session) objects. */
  readonly destructive: boolean;
  /** A session is logged in as soon as it opens, before any login. */
  readonly sessionsLoggedInAtOpen: boolean;
  /** The PIN given (when one was): its length and whether it is UTF-8 text; never its bytes. */
  readonly pinGiven?: { readonly bytes: number; readonly utf8: boolean };
  readonly logins: readonly ProfiledLogin[];
  /**
   * The token's flags after each wrong PIN the probe sent (at most WRONG_PINS_AT_MOST, fewer when a final try showed),
   * when it was allowed to send any.
   */
  readonly flagsAfterWrongPins?: readonly (readonly string[])[];
  /** How CKA_EC_POINT is encoded: a DER OCTET STRING as PKCS#11 says, or raw; and where that was read. */
  readonly ecPoint: {
    readonly encoding: 'der' | 'raw' | 'none' | 'unknown';
    readonly from: 'existing public key' | 'session key pair' | 'not read';
  };
  readonly mechanisms: readonly ProfiledMechanism[];
  readonly parsecUses: readonly ProfiledUse[];
  readonly quirks: {
    readonly seen: readonly SeenQuirk[];
    /** Quirks the probe could not rule in or out, and what it would take. */
    readonly undetermined: readonly { readonly name: string; readonly needs: string }[];
  };
  /** Steps left out, with why (no PIN given, not destructive, final PIN try…). */
  readonly notes: readonly string[];
}

/**
 * Why a token with this profile cannot do what a CanDoCrypto question (or an operation on a key with these attributes)
 * needs, or undefined when it has every mechanism and key size for it.
 */
export function tokenLacks(profile: TokenProfile, checkType: string, attributes: KeyAttributes): string | undefined {
  for (const use of mechanismUsesFor(checkType, attributes)) {
    const p = profile.parsecUses.find((u) => u.id === use.id);
    if (!p) continue;
    if (!p.available) return `the token lacks ${p.what}: ${p.missing ?? `${p.mechanism} not listed`}`;
    const bits = attributes.keyBits;
    if (p.keySizes && bits > 0 && p.keySizes.max > 0 && (bits < p.keySizes.min || bits > p.keySizes.max)) {
      return `the token's ${p.mechanism} takes ${p.keySizes.min}–${p.keySizes.max}-bit keys, not ${bits}`;
    }
  }
  return undefined;
}

/** An object on a token as a listing shows it: what it is and its names, never a value. */
export interface TokenObject {
  readonly class: string;
  readonly keyType: string;
  readonly label: string | null;
  /** CKA_ID in hex. */
  readonly id: string | null;
}
