import type { TokenProfile } from '../model/token-profile';

/** The profile as a person reads it: what the token is, how logins went, what Parsec can use, which quirks show. */
export function renderProfileSummary(p: TokenProfile): string {
  const t = p.token;
  const lines = [
    `Token "${t.label}" (${t.manufacturer} ${t.model}, serial ${t.serial || '(none)'}) in slot ${p.slot.id}`,
    `  module ${p.module}: ${p.library.manufacturer}, ${p.library.description} ${p.library.libraryVersion}, Cryptoki ${p.library.cryptokiVersion}`,
    `  token flags: ${t.flags.join(', ') || '(none)'}`,
    `  PIN length ${t.minPinLen}–${t.maxPinLen}; ${p.pinGiven ? `PIN given: ${p.pinGiven.bytes} bytes${p.pinGiven.utf8 ? '' : ', not UTF-8'}` : 'no PIN given'}`,
    `  a new session is ${p.sessionsLoggedInAtOpen ? '' : 'not '}logged in before any login`,
    '',
    'Logins:',
    ...(p.logins.length === 0 ? ['  (none tried)'] : []),
    ...p.logins.map(
      (l) =>
        `  ${`${l.pin} PIN:`.padEnd(12)} ${l.answer}${l.loggedIn ? ', logged in' : ''}${l.secondSessionLoggedIn === undefined ? '' : `; a second session ${l.secondSessionLoggedIn ? 'shares the login' : 'is not logged in'}`}`,
    ),
    ...(p.flagsAfterWrongPins ?? []).map((f, i) => `  flags after wrong PIN ${i + 1}: ${f.join(', ')}`),
    '',
    `CKA_EC_POINT: ${p.ecPoint.encoding === 'der' ? 'a DER OCTET STRING (as PKCS#11 says)' : p.ecPoint.encoding === 'raw' ? 'the raw point, not wrapped in an OCTET STRING' : p.ecPoint.encoding} (${p.ecPoint.from})`,
    '',
    `What Parsec's PKCS#11 provider needs (${p.mechanisms.length} mechanisms listed):`,
    ...p.parsecUses.map(
      (u) =>
        `  ${u.available ? 'yes' : 'NO '}  ${u.operations.padEnd(44)} ${u.what.padEnd(28)} ${u.available ? `${u.mechanism}${u.keySizes ? ` ${u.keySizes.min}–${u.keySizes.max} bits` : ''}` : u.missing}`,
    ),
    '',
    `Quirks seen: ${p.quirks.seen.length === 0 ? 'none' : ''}`,
    ...p.quirks.seen.map((q) => `  ${q.name}: ${q.evidence}`),
    ...(p.quirks.undetermined.length > 0
      ? ['Not determined:', ...p.quirks.undetermined.map((q) => `  ${q.name}: needs ${q.needs}`)]
      : []),
    ...(p.notes.length > 0 ? ['', 'Notes:', ...p.notes.map((n) => `  ${n}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
