import { TargetStartError } from '../target-start-error';
import type { AuthenticatorSpec, PinSetting, ProviderSpec, ServiceSpec } from '../spec';
import type { ClientAuth } from '../started-target';
import type { ConfiguredProvider, ParsecConfigSpec } from './parsec-config';

/** The application name the harness uses with the Direct authenticator. */
export const HARNESS_APP_NAME = 'parsec-conformance';

/** A SoftHSM2 token the harness made for one target: its secrets live only in memory and in Parsec's config. */
export interface HarnessToken {
  readonly serialNumber: string;
  /** SoftHSM2's own user PIN. */
  readonly userPin: string;
  readonly soPin: string;
  /** The PIN an application logs in with: SoftHSM2's, or the quirk token's own when the token has a quirk. */
  readonly appPin: Buffer;
}

/** The PIN bytes as a configuration string: UTF-8 when they are, else one character per byte (Latin-1). */
export function pinText(pin: Buffer): string {
  const utf8 = pin.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(pin) ? utf8 : pin.toString('latin1');
}

/** Where a target's backends are, as the Parsec process under test reaches them. */
export interface ResolvedBackends {
  /** The PKCS#11 module Parsec loads for a harness token (SoftHSM2 itself, or the p11-kit client in a container). */
  readonly harnessModule?: string;
  readonly token?: HarnessToken;
  /** The TCTI of the harness's own swtpm. */
  readonly swtpmTcti?: string;
}

/** A value the config needs, with the secrets it carries (to keep them out of every log and report). */
interface Secretive<T> {
  readonly value: T;
  readonly secrets: readonly string[];
}

function envSecret(variable: string, what: string, env: NodeJS.ProcessEnv): string {
  const value = env[variable];
  if (value === undefined) {
    throw new TargetStartError(
      `${what} is to be read from the environment variable ${variable}, which is not set; export it (the value is never printed)`,
    );
  }
  return value;
}

/** The `user_pin` value for a PIN setting; undefined means no `user_pin` line. */
export function pinConfigValue(
  setting: PinSetting,
  token: HarnessToken | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Secretive<string | undefined> {
  switch (setting.kind) {
    case 'none':
      return { value: undefined, secrets: [] };
    case 'literal':
      return { value: setting.value, secrets: [] };
    case 'env': {
      const pin = envSecret(setting.variable, 'the PKCS#11 user PIN', env);
      return { value: pin, secrets: [pin] };
    }
    case 'token': {
      if (!token) {
        throw new TargetStartError(
          "pin 'token' means the PIN of a token the harness made, but this PKCS#11 provider uses a module of yours; give pin as {kind: 'env', variable: …}",
        );
      }
      const pin = pinText(token.appPin);
      const hex = token.appPin.toString('hex');
      const format = setting.format ?? 'plain';
      const value = `${format === 'hex' ? `hex:${hex}` : format === 'str' ? `str:${pin}` : pin}${setting.suffix ?? ''}`;
      return { value, secrets: [pin, hex, token.userPin] };
    }
  }
}

function configuredProvider(
  p: ProviderSpec,
  backends: ResolvedBackends,
  env: NodeJS.ProcessEnv,
): Secretive<ConfiguredProvider> {
  switch (p.key) {
    case 'mbed':
      return { value: { type: 'mbed' }, secrets: [] };
    case 'pkcs11': {
      if (p.module !== undefined) {
        const pin = pinConfigValue(p.pin ?? { kind: 'none' }, undefined, env);
        return {
          value: {
            type: 'pkcs11',
            libraryPath: p.module,
            ...(p.serial !== undefined ? { serialNumber: p.serial } : {}),
            ...(p.slot !== undefined ? { slotNumber: p.slot } : {}),
            ...(pin.value !== undefined ? { userPin: pin.value } : {}),
          },
          secrets: pin.secrets,
        };
      }
      const { token, harnessModule } = backends;
      if (!token || !harnessModule) throw new Error('internal: the harness token was not made before the config');
      const pin = pinConfigValue(p.pin ?? { kind: 'token' }, token, env);
      return {
        value: {
          type: 'pkcs11',
          libraryPath: harnessModule,
          serialNumber: token.serialNumber,
          ...(pin.value !== undefined ? { userPin: pin.value } : {}),
        },
        secrets: [...pin.secrets, token.userPin, token.soPin],
      };
    }
    case 'tpm': {
      if (p.tcti !== undefined) {
        const auth = p.ownerAuthEnv !== undefined ? envSecret(p.ownerAuthEnv, 'the TPM owner hierarchy auth', env) : '';
        return { value: { type: 'tpm', tcti: p.tcti, ownerHierarchyAuth: auth }, secrets: auth ? [auth] : [] };
      }
      if (!backends.swtpmTcti) throw new Error('internal: the harness swtpm was not started before the config');
      return { value: { type: 'tpm', tcti: backends.swtpmTcti, ownerHierarchyAuth: '' }, secrets: [] };
    }
  }
}

export function authenticatorOf(spec: AuthenticatorSpec | undefined): {
  readonly config: ParsecConfigSpec['authenticator'];
  readonly client: ClientAuth;
} {
  return spec?.type === 'direct'
    ? { config: 'Direct', client: { kind: 'direct', appName: HARNESS_APP_NAME } }
    : { config: 'UnixPeerCredentials', client: { kind: 'unix-peer' } };
}

/**
 * Everything of Parsec's config.toml that follows from the spec and the backends made for it, with the secrets the
 * text will hold. Paths are as the Parsec process sees them (inside its container, for the container target).
 */
export function serviceConfig(
  spec: ServiceSpec,
  backends: ResolvedBackends,
  paths: { readonly socketPath: string; readonly sqliteDbPath: string; readonly allowRoot: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Secretive<ParsecConfigSpec> {
  const providers = spec.providers.map((p) => configuredProvider(p, backends, env));
  return {
    value: {
      ...paths,
      authenticator: authenticatorOf(spec.authenticator).config,
      ...(spec.authenticator?.admins ? { admins: spec.authenticator.admins } : {}),
      providers: providers.map((p) => p.value),
      ...(spec.extraConfig ? { extra: spec.extraConfig } : {}),
    },
    secrets: providers.flatMap((p) => p.secrets),
  };
}

/** What the harness has to make for a spec: its own SoftHSM2 token, its own swtpm. */
export function harnessBackendsOf(spec: ServiceSpec): { readonly token: boolean; readonly swtpm: boolean } {
  return {
    token: spec.providers.some((p) => p.key === 'pkcs11' && p.module === undefined),
    swtpm: spec.providers.some((p) => p.key === 'tpm' && p.tcti === undefined),
  };
}

/** The quirk of the harness's own token, when the spec gives it one. */
export function harnessTokenQuirk(spec: ServiceSpec): string | undefined {
  const p = spec.providers.find((x) => x.key === 'pkcs11');
  return p?.key === 'pkcs11' && p.module === undefined ? p.quirk : undefined;
}

/** The forms a PIN can take in a log or a report, to redact. */
export function pinSecrets(pin: Buffer): string[] {
  return [pinText(pin), pin.toString('hex')];
}

/** The user_pin value a config carries, if any. */
export function configuredPkcs11Pin(config: ParsecConfigSpec): string | undefined {
  const p = config.providers.find((x) => x.type === 'pkcs11');
  return p?.type === 'pkcs11' ? p.userPin : undefined;
}
