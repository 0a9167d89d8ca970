import { readFileSync } from 'node:fs';
import { ckrName } from '../model/pkcs11';
import { pinText } from './config/service-config';

/** One C_Login the harness's quirk token saw, with the PIN described by what it was, never by its bytes. */
export interface LoginAttempt {
  /** 'user', 'so' or the raw CKU_ value. */
  readonly user: string;
  /** What the PIN was, e.g. "the token's PIN", "NULL", "empty", "the token's PIN and 1 more byte". */
  readonly pin: string;
  /** The token's answer, e.g. CKR_OK. */
  readonly answer: string;
}

/** What the token saw of the service: its login attempts. Free of secrets, so reports may carry it. */
export interface TokenObservations {
  readonly loginAttempts: readonly LoginAttempt[];
}

/** What the token's PIN could have turned into on the way, with the words reports use for each. */
function candidates(appPin: Buffer, configured: string | undefined): [string, Buffer][] {
  const out: [string, Buffer][] = [["the token's PIN", appPin]];
  const lossy = Buffer.from(appPin.toString('utf8'), 'utf8');
  if (!lossy.equals(appPin)) out.push(["the token's PIN with its non-UTF-8 bytes replaced by U+FFFD", lossy]);
  const latin1 = Buffer.from(pinText(appPin), 'utf8');
  if (!latin1.equals(appPin)) out.push(["the token's PIN bytes as Latin-1 characters, in UTF-8", latin1]);
  if (configured !== undefined) out.push(['the configured user_pin text as it is', Buffer.from(configured, 'utf8')]);
  // What a hex: value becomes when its decoding is dropped and only the prefix is kept.
  out.push(['the text "hex:" alone', Buffer.from('hex:')]);
  return out;
}

export function describePin(pin: Buffer | null, appPin: Buffer, configured?: string): string {
  if (pin === null) return 'NULL';
  if (pin.length === 0) return appPin.length === 0 ? "the token's PIN (empty)" : 'empty';
  const [exact, ...others] = candidates(appPin, configured);
  if (exact && pin.equals(exact[1])) return exact[0];
  if (appPin.length > 0 && pin.length > appPin.length && pin.subarray(0, appPin.length).equals(appPin)) {
    const extra = pin.length - appPin.length;
    return `the token's PIN and ${extra} more byte${extra === 1 ? '' : 's'}`;
  }
  for (const [words, bytes] of others) if (pin.equals(bytes)) return words;
  return `another PIN of ${pin.length} byte${pin.length === 1 ? '' : 's'}`;
}

const USERS: Readonly<Record<string, string>> = { '0': 'so', '1': 'user' };

/** Reads the quirk token's record of login attempts (it holds PIN bytes) and describes each without them. */
export function readLoginAttempts(path: string, appPin: Buffer, configured?: string): LoginAttempt[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: LoginAttempt[] = [];
  for (const line of text.split('\n')) {
    const m = /^user=(\d+) pin=(null|(\d+):([0-9a-f]*)) rv=0x([0-9a-f]+)$/.exec(line);
    if (!m) continue;
    const pin = m[2] === 'null' ? null : Buffer.from(m[4] ?? '', 'hex');
    out.push({
      user: USERS[m[1] as string] ?? (m[1] as string),
      pin: describePin(pin, appPin, configured),
      answer: ckrName(parseInt(m[5] as string, 16)),
    });
  }
  return out;
}
