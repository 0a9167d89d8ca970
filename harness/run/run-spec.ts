import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROVIDER_KEYS, parseProviderList } from '../model/providers';
import {
  parseParsecSource,
  parseTargetSpec,
  type ParsecSource,
  type Pkcs11Spec,
  type ProviderSpec,
  type TargetSpec,
} from '../targets';
import { modulePath, pinFromEnv, tokenSelection } from './probe-token-cli';
import { defaultParsecSource } from './options';

/** The target options `run` and `bench` share. */
export interface TargetFlags {
  readonly target?: string;
  readonly targetSpec?: string;
  readonly socket?: string;
  readonly parsec?: string;
  readonly parsecBin?: string;
  readonly providers?: string;
  readonly tcti?: string;
  readonly tpmOwnerAuthEnv?: string;
  readonly baseImage?: string;
  readonly pkcs11Module?: string;
  readonly slot?: string;
  readonly serial?: string;
  readonly pinEnv?: string;
  readonly pkcs11Mount?: readonly string[];
  readonly pkcs11Env?: readonly string[];
}

/** The environment variable read for a TPM's owner hierarchy auth when --tpm-owner-auth-env does not name one. */
export const DEFAULT_OWNER_AUTH_ENV = 'PARSEC_CONFORMANCE_TPM_OWNER_AUTH';

/** A command line that cannot be run as given: exit 2, with what is wrong and how to fix it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function conflicts(flags: TargetFlags, owner: string, others: (keyof TargetFlags)[]): void {
  const given = others.filter((k) => flags[k] !== undefined);
  if (given.length > 0) {
    const names = given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`${owner} cannot be combined with ${names.join(', ')}`);
  }
}

function parsecOf(flags: TargetFlags, kind: 'native' | 'containers'): ParsecSource {
  if (flags.parsec !== undefined && flags.parsecBin !== undefined) {
    throw new UsageError('--parsec and --parsec-bin both name the Parsec to test; give one of them');
  }
  if (flags.parsecBin !== undefined) return { from: 'binary', path: resolve(flags.parsecBin) };
  if (flags.parsec !== undefined) {
    let source: ParsecSource;
    try {
      source = parseParsecSource(flags.parsec);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (source.from === 'image' && kind === 'native') {
      throw new UsageError(`--parsec ${flags.parsec}: an image runs with --target containers`);
    }
    return source;
  }
  return defaultParsecSource(kind);
}

function providersOf(flags: TargetFlags, kind: 'native' | 'containers'): ProviderSpec[] {
  let keys;
  try {
    keys = flags.providers === undefined ? [...PROVIDER_KEYS] : parseProviderList(flags.providers);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (flags.tcti !== undefined && !keys.includes('tpm')) {
    throw new UsageError(`--tcti names a TPM, but --providers ${flags.providers} has no tpm`);
  }
  if (flags.tcti !== undefined && kind !== 'native') {
    throw new UsageError(
      '--tcti (a TPM of yours) runs with the native target; the container target serves its own swtpm',
    );
  }
  const vendorToken = pkcs11Of(flags, kind);
  if (vendorToken && !keys.includes('pkcs11')) {
    throw new UsageError(
      `--pkcs11-module puts a token behind the PKCS#11 provider, but --providers ${flags.providers} has no pkcs11`,
    );
  }
  return keys.map((key): ProviderSpec => {
    if (key === 'pkcs11' && vendorToken) return vendorToken;
    if (key !== 'tpm' || flags.tcti === undefined) return { key };
    const ownerAuthEnv =
      flags.tpmOwnerAuthEnv ?? (process.env[DEFAULT_OWNER_AUTH_ENV] !== undefined ? DEFAULT_OWNER_AUTH_ENV : undefined);
    return { key, tcti: flags.tcti, ...(ownerAuthEnv ? { ownerAuthEnv } : {}) };
  });
}

/** The options that put a token of the user's behind the PKCS#11 provider. */
const VENDOR_TOKEN_FLAGS = ['pkcs11Module', 'slot', 'serial', 'pinEnv', 'pkcs11Mount', 'pkcs11Env'] as const;

/** The PKCS#11 provider on a token of the user's (--pkcs11-module), or undefined when the harness makes its own. */
function pkcs11Of(flags: TargetFlags, kind: 'native' | 'containers'): Pkcs11Spec | undefined {
  if (flags.pkcs11Module === undefined) {
    const stray = (['slot', 'serial', 'pinEnv', 'pkcs11Mount', 'pkcs11Env'] as const).filter(
      (k) => flags[k] !== undefined,
    );
    if (stray.length > 0) {
      const names = stray.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new UsageError(
        `${names.join(', ')} select${stray.length === 1 ? 's' : ''} a token of a module of yours; give --pkcs11-module LIB too`,
      );
    }
    return undefined;
  }
  const module = modulePath(flags.pkcs11Module, '--pkcs11-module');
  const selection = tokenSelection(flags);
  if (flags.pinEnv !== undefined) pinFromEnv(flags.pinEnv);
  if (kind === 'native' && (flags.pkcs11Mount !== undefined || flags.pkcs11Env !== undefined)) {
    throw new UsageError(
      '--pkcs11-mount and --pkcs11-env go with --target containers; natively the module sees this machine and its environment',
    );
  }
  const mounts = (flags.pkcs11Mount ?? []).map((m) => {
    const path = resolve(m);
    if (!existsSync(path)) throw new UsageError(`--pkcs11-mount ${m}: no such file or folder`);
    return path;
  });
  for (const name of flags.pkcs11Env ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`--pkcs11-env takes environment variable names, got '${name}'`);
    }
    if (process.env[name] === undefined) throw new UsageError(`--pkcs11-env ${name}: the variable is not set`);
    if (name === flags.pinEnv) {
      throw new UsageError(
        `--pkcs11-env ${name} would hand the PIN to the container's environment; Parsec gets it through its config`,
      );
    }
  }
  return {
    key: 'pkcs11',
    module,
    ...selection,
    ...(mounts.length > 0 ? { mounts } : {}),
    ...(flags.pkcs11Env && flags.pkcs11Env.length > 0 ? { passEnv: [...flags.pkcs11Env] } : {}),
    ...(flags.pinEnv !== undefined ? { pin: { kind: 'env', variable: flags.pinEnv } } : {}),
  };
}

/**
 * The run's target spec from the command line: a spec file, a socket to attach to, or a target kind with its Parsec
 * and providers. Every conflict and bad value is a UsageError saying what to change.
 */
export function specFromFlags(flags: TargetFlags): TargetSpec {
  if (flags.targetSpec !== undefined) {
    conflicts(flags, '--target-spec', [
      'target',
      'socket',
      'parsec',
      'parsecBin',
      'providers',
      'tcti',
      'baseImage',
      ...VENDOR_TOKEN_FLAGS,
    ]);
    const path = resolve(flags.targetSpec);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new UsageError(`--target-spec ${path} cannot be read: ${(e as Error).message}`);
    }
    try {
      return parseTargetSpec(JSON.parse(text), path);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (flags.socket !== undefined) {
    conflicts(flags, '--socket', [
      'parsec',
      'parsecBin',
      'tcti',
      'tpmOwnerAuthEnv',
      'baseImage',
      ...VENDOR_TOKEN_FLAGS,
    ]);
    if (flags.target !== undefined && flags.target !== 'external') {
      throw new UsageError(
        `--socket attaches to a running service; it cannot be combined with --target ${flags.target}`,
      );
    }
    let providers;
    try {
      providers = flags.providers === undefined ? undefined : parseProviderList(flags.providers);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const appName = process.env.PARSEC_CONFORMANCE_APP_NAME;
    return {
      kind: 'external',
      socket: resolve(flags.socket),
      ...(providers ? { providers } : {}),
      ...(appName ? { appName } : {}),
    };
  }
  const kind = flags.target ?? 'native';
  if (kind === 'external') throw new UsageError('--target external needs --socket PATH (the running service)');
  if (kind !== 'native' && kind !== 'containers') {
    throw new UsageError(`--target ${kind} is not a target kind; expected native, containers, or --socket PATH`);
  }
  if (flags.tpmOwnerAuthEnv !== undefined && flags.tcti === undefined) {
    throw new UsageError('--tpm-owner-auth-env goes with --tcti (the owner auth of a TPM of yours)');
  }
  if (kind === 'native') {
    if (flags.baseImage !== undefined) throw new UsageError('--base-image goes with --target containers');
    return { kind, parsec: parsecOf(flags, kind), providers: providersOf(flags, kind) };
  }
  return {
    kind,
    parsec: parsecOf(flags, kind),
    providers: providersOf(flags, kind),
    ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
  };
}
