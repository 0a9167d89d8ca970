/**
 * The Debian suites we take Parsec from, and the upstream version each one ships. One place for these pins: reports
 * and version checks read them from here.
 */
export const PARSEC_SUITES = {
  trixie: { parsecVersion: '1.4.1' },
  sid: { parsecVersion: '1.5.0' },
} as const;

export type ParsecSuite = keyof typeof PARSEC_SUITES;
export const DEFAULT_PARSEC_SUITE: ParsecSuite = 'trixie';

export function isParsecSuite(value: string): value is ParsecSuite {
  return Object.prototype.hasOwnProperty.call(PARSEC_SUITES, value);
}

/** Parses `--parsec <suite>`; the error lists the accepted suites. */
export function parseParsecSuite(value: string): ParsecSuite {
  if (!isParsecSuite(value)) {
    throw new Error(`unknown Parsec suite '${value}'; expected one of: ${Object.keys(PARSEC_SUITES).join(', ')}`);
  }
  return value;
}
