import { PROVIDER_KEYS, type ProviderKey } from '../model/providers';
import { PARSEC_SUITES, type ParsecSuite } from '../setup';

/**
 * A target is plain data: what to bring up (or attach to), never how. A factory per kind turns a spec into a
 * started target (harness/targets/registry.ts). Specs are serialisable: the CLI writes the run's spec into the run
 * context, suites derive the specs of their own targets from it, and a vendor can keep one in a file.
 */
export const TARGET_KINDS = ['native', 'containers', 'external'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Suites whose `librust-parsec-service-dev` the source build compiles. */
export const BUILD_SUITES = ['trixie'] as const;
export type BuildSuite = (typeof BUILD_SUITES)[number];

/** Cargo features a Parsec build may ask for (parsec-service's Cargo.toml). */
export const PARSEC_FEATURES = [
  'mbed-crypto-provider',
  'pkcs11-provider',
  'tpm-provider',
  'cryptoauthlib-provider',
  'trusted-service-provider',
  'all-providers',
  'unix-peer-credentials-authenticator',
  'direct-authenticator',
  'jwt-svid-authenticator',
  'all-authenticators',
] as const;
export type ParsecFeature = (typeof PARSEC_FEATURES)[number];

/** The features every source build gets, as Debian's own build does; `build:trixie+X` adds X. */
export const BASE_BUILD_FEATURES: readonly ParsecFeature[] = [
  'mbed-crypto-provider',
  'pkcs11-provider',
  'tpm-provider',
  'unix-peer-credentials-authenticator',
];

/** Where the Parsec under test comes from. */
export type ParsecSource =
  /** Debian's parsec-service package of that suite (unpacked natively, apt-installed in the container image). */
  | { readonly from: 'debian'; readonly suite: ParsecSuite }
  /** A `parsec` executable on this machine (a release candidate, your own build). */
  | { readonly from: 'binary'; readonly path: string }
  /** An image that has `parsec` on its PATH (containers only). */
  | { readonly from: 'image'; readonly image: string }
  /** Built from Debian's crate sources with these cargo features. */
  | { readonly from: 'build'; readonly suite: BuildSuite; readonly features: readonly ParsecFeature[] };

/**
 * What Parsec's PKCS#11 provider gets as `user_pin`. A PIN value itself is never part of a spec: it is the token's
 * (made by the harness), read from an environment variable, or a fixed non-secret value.
 */
export type PinSetting =
  /** No `user_pin` line: Parsec never logs in. */
  | { readonly kind: 'none' }
  /**
   * The PIN of the token the harness made (the quirk token's own PIN, when it has a quirk): as a plain string, as
   * `hex:` of its bytes, or as `str:` + it; `suffix` is appended to the value as written (a trailing space, `00`
   * after the hex digits for a NUL byte, a stray character that makes the hex malformed).
   */
  | { readonly kind: 'token'; readonly format?: 'plain' | 'hex' | 'str'; readonly suffix?: string }
  /** The value of this environment variable (a vendor token's PIN). */
  | { readonly kind: 'env'; readonly variable: string }
  /** Exactly this configuration value, for values that are not secrets (e.g. a malformed `hex:zz`). */
  | { readonly kind: 'literal'; readonly value: string };

export interface MbedSpec {
  readonly key: 'mbed';
}

export interface Pkcs11Spec {
  readonly key: 'pkcs11';
  /** The PKCS#11 module to load. Without it, the harness creates a SoftHSM2 token of its own for the target. */
  readonly module?: string;
  /**
   * The harness's own token with one PIN quirk of real tokens (fixtures/pkcs11-pin/quirks.json): SoftHSM2 behind the
   * quirk token module. Only without `module`.
   */
  readonly quirk?: string;
  readonly slot?: number;
  readonly serial?: string;
  /** Default: the harness token's PIN when it made the token; no PIN for a module of yours. */
  readonly pin?: PinSetting;
  /**
   * Container target, a module of yours: host paths the module needs (its configuration, its token's files, a
   * daemon's socket), bound into the Parsec container at the same path. The module itself is always bound.
   */
  readonly mounts?: readonly string[];
  /** Container target, a module of yours: environment variables passed from the harness's environment to Parsec's. */
  readonly passEnv?: readonly string[];
}

export interface TpmSpec {
  readonly key: 'tpm';
  /**
   * TCTI of a TPM that is already there (`device:/dev/tpmrm0`, `tabrmd`, `swtpm:host=…,port=…`). Without it, the
   * harness starts an swtpm for the target. A TPM given here is never cleared and its hierarchies never changed.
   */
  readonly tcti?: string;
  /** Environment variable that holds the owner hierarchy auth of that TPM (the value itself never is in a spec). */
  readonly ownerAuthEnv?: string;
}

export type ProviderSpec = MbedSpec | Pkcs11Spec | TpmSpec;

export interface AuthenticatorSpec {
  readonly type: 'unix-peer' | 'direct';
  /** Application names with admin rights (a decimal uid with unix-peer, an application name with direct). */
  readonly admins?: readonly string[];
}

/** Settings merged into the generated config.toml, for tables the harness writes itself. Scalars only. */
export type ExtraConfig = Readonly<
  Partial<Record<(typeof EXTRA_CONFIG_TABLES)[number], Readonly<Record<string, string | number | boolean>>>>
>;
export const EXTRA_CONFIG_TABLES = ['core_settings', 'listener'] as const;

/** What a started service consists of, whatever runs it. */
export interface ServiceSpec {
  readonly parsec: ParsecSource;
  /** In priority order: the first is the clients' default provider. */
  readonly providers: readonly ProviderSpec[];
  /** Default: Unix peer credentials, no admins. */
  readonly authenticator?: AuthenticatorSpec;
  readonly extraConfig?: ExtraConfig;
}

/** Parsec and its backends as processes on this machine. */
export interface NativeSpec extends ServiceSpec {
  readonly kind: 'native';
}

/** Parsec, SoftHSM2 and swtpm each in a container of its own, started by testcontainers. */
export interface ContainersSpec extends ServiceSpec {
  readonly kind: 'containers';
  /** Image every image of the harness is built FROM; default: debian:trixie-slim, or a local debootstrap of it. */
  readonly baseImage?: string;
}

/** A Parsec that is already running: nothing is started, stopped or destroyed that the harness did not create. */
export interface ExternalSpec {
  readonly kind: 'external';
  readonly socket: string;
  /** Providers to test; default: every provider the service lists that the harness knows. */
  readonly providers?: readonly ProviderKey[];
  /** Application name, when the service uses the Direct authenticator. */
  readonly appName?: string;
}

export type TargetSpec = NativeSpec | ContainersSpec | ExternalSpec;
export type StartableSpec = NativeSpec | ContainersSpec;

/** The provider keys of a spec, in priority order (what an external spec lists, when it does). */
export function providerKeysOf(spec: TargetSpec): readonly ProviderKey[] | undefined {
  if (spec.kind === 'external') return spec.providers;
  return spec.providers.map((p) => p.key);
}

/** One short line for logs and reports, e.g. `debian:trixie`, `build:trixie+direct-authenticator`. */
export function describeParsecSource(source: ParsecSource): string {
  switch (source.from) {
    case 'debian':
      return `debian:${source.suite}`;
    case 'binary':
      return `binary:${source.path}`;
    case 'image':
      return `image:${source.image}`;
    case 'build': {
      const extra = source.features.filter((f) => !BASE_BUILD_FEATURES.includes(f));
      return `build:${source.suite}${extra.map((f) => `+${f}`).join('')}`;
    }
  }
}

/** Default providers for a service the harness starts: every provider, each on a backend of its own. */
export function defaultProviderSpecs(keys: readonly ProviderKey[] = PROVIDER_KEYS): ProviderSpec[] {
  return keys.map((key) => ({ key }));
}

/**
 * Parses the `--parsec` value: a Debian suite (`trixie`, `sid`), `build:<suite>[+feature…]` or `image:<name>`.
 * The error lists what is accepted.
 */
export function parseParsecSource(value: string): ParsecSource {
  if (Object.prototype.hasOwnProperty.call(PARSEC_SUITES, value))
    return { from: 'debian', suite: value as ParsecSuite };
  if (value.startsWith('image:') && value.length > 'image:'.length) return { from: 'image', image: value.slice(6) };
  const build = /^build:([a-z]+)((?:\+[a-z0-9-]+)*)$/.exec(value);
  if (build) {
    const [, suite, plus] = build as unknown as [string, string, string];
    if (!(BUILD_SUITES as readonly string[]).includes(suite)) {
      throw new Error(
        `--parsec ${value}: Parsec can be built from the sources of ${BUILD_SUITES.join(', ')}, not ${suite}`,
      );
    }
    const asked = plus.split('+').filter((f) => f.length > 0);
    const unknown = asked.filter((f) => !(PARSEC_FEATURES as readonly string[]).includes(f));
    if (unknown.length > 0) {
      throw new Error(
        `--parsec ${value}: unknown cargo feature(s) ${unknown.join(', ')}; known: ${PARSEC_FEATURES.join(', ')}`,
      );
    }
    const features = [...new Set([...BASE_BUILD_FEATURES, ...(asked as ParsecFeature[])])];
    return { from: 'build', suite: suite as BuildSuite, features };
  }
  throw new Error(
    `--parsec ${value} is not a Parsec source; expected a Debian suite (${Object.entries(PARSEC_SUITES)
      .map(([s, v]) => `${s} = ${v.parsecVersion}`)
      .join(', ')}), build:trixie[+feature…] (e.g. build:trixie+direct-authenticator) or image:<name>`,
  );
}

/** What a suite or a case changes of the run's spec for a target of its own. */
export interface SpecChange {
  readonly authenticator?: AuthenticatorSpec;
  /** Other providers altogether (e.g. only a PKCS#11 provider on a quirk token). */
  readonly providers?: readonly ProviderSpec[];
  /** Providers in a new priority order, by key: each keeps its settings from the base spec. */
  readonly providerOrder?: readonly ProviderKey[];
  readonly extraConfig?: ExtraConfig;
}

/**
 * Another service like the run's, changed as asked: same kind, same Parsec, same backends settings. The caller
 * checks first that another instance can be started (registry: anotherInstanceUnavailable).
 */
export function deriveSpec(base: TargetSpec, change: SpecChange): StartableSpec {
  if (base.kind === 'external') throw new Error('a spec cannot be derived from an external target');
  let providers = change.providers ?? base.providers;
  if (change.providerOrder) {
    providers = change.providerOrder.map((key) => {
      const p = base.providers.find((x) => x.key === key);
      if (!p)
        throw new Error(`provider '${key}' is not in the base spec (${base.providers.map((x) => x.key).join(', ')})`);
      return p;
    });
  }
  return {
    ...base,
    providers,
    ...(change.authenticator ? { authenticator: change.authenticator } : {}),
    ...(change.extraConfig ? { extraConfig: { ...base.extraConfig, ...change.extraConfig } } : {}),
  };
}
