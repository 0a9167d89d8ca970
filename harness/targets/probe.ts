import { renderProbeConfig } from './config/parsec-config';

/** The authenticators a Parsec build may have (cargo features `<name>-authenticator`), as config.toml names them. */
export const PROBED_AUTHENTICATORS = {
  direct: 'Direct',
  'unix-peer-credentials': 'UnixPeerCredentials',
  'jwt-svid': 'JwtSvid',
} as const;
export type ProbedAuthenticator = keyof typeof PROBED_AUTHENTICATORS;

/** What a probe learnt of a build: per authenticator, built in (true), left out (false) or unknown. */
export type AuthenticatorsBuiltIn = Readonly<Record<ProbedAuthenticator, boolean | undefined>>;

/** What Parsec prints when the configured authenticator is not in the build (service_builder.rs). */
const NOT_COMPILED = /chosen in the configuration was not compiled in Parsec binary/;
/** What it prints, after building the authenticator, when no provider is configured. */
const NO_PROVIDER = /needs at least one provider/;

/**
 * A config that makes a binary tell whether it has `authenticator`: with no provider, Parsec checks the
 * authenticator first and exits, naming it as not compiled in, or else the missing provider.
 */
export function probeConfig(authenticator: ProbedAuthenticator, dir: string, allowRoot: boolean): string {
  return renderProbeConfig({
    allowRoot,
    socketPath: `${dir}/probe.sock`,
    sqliteDbPath: `${dir}/probe.sqlite3`,
    // The probe only reads the config: the authenticator's type decides, admins and endpoints do not matter.
    authenticator: PROBED_AUTHENTICATORS[authenticator],
    listenerTimeoutMs: 200,
  });
}

/** Reads the output of one probe start: built in, left out, or no answer (the binary did not get that far). */
export function probeAnswer(output: string): boolean | undefined {
  if (NOT_COMPILED.test(output)) return false;
  if (NO_PROVIDER.test(output)) return true;
  return undefined;
}

export const PROBED_NAMES = Object.keys(PROBED_AUTHENTICATORS) as ProbedAuthenticator[];

/** The answers of a probe from the output of one start per authenticator, however the starts were run. */
export function probeAnswers(outputOf: (name: ProbedAuthenticator) => string): AuthenticatorsBuiltIn {
  return Object.fromEntries(PROBED_NAMES.map((name) => [name, probeAnswer(outputOf(name))])) as AuthenticatorsBuiltIn;
}

/** The cargo features a probe showed, for reports (`direct-authenticator`, …). */
export function featuresShown(found: AuthenticatorsBuiltIn): string[] {
  return Object.entries(found)
    .filter(([, built]) => built === true)
    .map(([name]) => `${name}-authenticator`);
}
