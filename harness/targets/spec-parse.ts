import { PROVIDER_KEYS, type ProviderKey } from '../model/providers';
import { PARSEC_SUITES } from '../setup';
import { quirkNames } from './quirks';
import {
  BUILD_SUITES,
  EXTRA_CONFIG_TABLES,
  PARSEC_FEATURES,
  TARGET_KINDS,
  type AuthenticatorSpec,
  type ExtraConfig,
  type ParsecSource,
  type PinSetting,
  type ProviderSpec,
  type TargetSpec,
} from './spec';

/** A spec that is not what it claims: names the field, what it holds and what would be accepted. */
export class TargetSpecError extends Error {
  override readonly name = 'TargetSpecError';
}

type Json = Record<string, unknown>;

class Reader {
  constructor(
    private readonly where: string,
    private readonly value: Json,
  ) {}

  fail(field: string, message: string): never {
    throw new TargetSpecError(`${this.where}${field ? `.${field}` : ''}: ${message}`);
  }

  onlyKeys(allowed: readonly string[]): void {
    const extra = Object.keys(this.value).filter((k) => !allowed.includes(k));
    if (extra.length > 0) this.fail(extra[0] as string, `unknown field; expected one of: ${allowed.join(', ')}`);
  }

  string(field: string, required: true): string;
  string(field: string, required?: false): string | undefined;
  string(field: string, required = false): string | undefined {
    const v = this.value[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length === 0) this.fail(field, `expected a non-empty string, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(field: string, choices: readonly T[], required: true): T;
  oneOf<T extends string>(field: string, choices: readonly T[], required?: false): T | undefined;
  oneOf<T extends string>(field: string, choices: readonly T[], required = false): T | undefined {
    const v = this.value[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      this.fail(field, `expected one of ${choices.join(', ')}, got ${show(v)}`);
    }
    return v as T;
  }

  object(field: string, required: true): Reader;
  object(field: string, required?: false): Reader | undefined;
  object(field: string, required = false): Reader | undefined {
    const v = this.value[field];
    if (v === undefined && !required) return undefined;
    if (!isObject(v)) this.fail(field, `expected an object, got ${show(v)}`);
    return new Reader(`${this.where}.${field}`, v);
  }

  array(field: string): { reader: Reader | undefined; items: unknown[] } | undefined {
    const v = this.value[field];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(field, `expected an array, got ${show(v)}`);
    return { reader: undefined, items: v };
  }

  at(field: string, index: number): Reader {
    const item = (this.value[field] as unknown[])[index];
    if (!isObject(item)) this.fail(`${field}[${index}]`, `expected an object, got ${show(item)}`);
    return new Reader(`${this.where}.${field}[${index}]`, item);
  }

  raw(field: string): unknown {
    return this.value[field];
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function parseSource(r: Reader): ParsecSource {
  const from = r.oneOf('from', ['debian', 'binary', 'image', 'build'] as const, true);
  switch (from) {
    case 'debian':
      r.onlyKeys(['from', 'suite']);
      return { from, suite: r.oneOf('suite', Object.keys(PARSEC_SUITES) as (keyof typeof PARSEC_SUITES)[], true) };
    case 'binary':
      r.onlyKeys(['from', 'path']);
      return { from, path: r.string('path', true) };
    case 'image':
      r.onlyKeys(['from', 'image']);
      return { from, image: r.string('image', true) };
    case 'build': {
      r.onlyKeys(['from', 'suite', 'features']);
      const list = r.array('features')?.items ?? [];
      const features = list.map((f, i) => {
        if (typeof f !== 'string' || !(PARSEC_FEATURES as readonly string[]).includes(f)) {
          r.fail(`features[${i}]`, `unknown cargo feature ${show(f)}; known: ${PARSEC_FEATURES.join(', ')}`);
        }
        return f as (typeof PARSEC_FEATURES)[number];
      });
      return { from, suite: r.oneOf('suite', BUILD_SUITES, true), features };
    }
  }
}

function parsePin(r: Reader): PinSetting {
  const kind = r.oneOf('kind', ['none', 'token', 'env', 'literal'] as const, true);
  switch (kind) {
    case 'none':
      r.onlyKeys(['kind']);
      return { kind };
    case 'token': {
      r.onlyKeys(['kind', 'format', 'suffix']);
      const format = r.oneOf('format', ['plain', 'hex', 'str'] as const);
      const suffix = r.raw('suffix');
      if (suffix !== undefined && typeof suffix !== 'string')
        r.fail('suffix', `expected a string, got ${show(suffix)}`);
      return { kind, ...(format ? { format } : {}), ...(suffix !== undefined ? { suffix: suffix as string } : {}) };
    }
    case 'env':
      r.onlyKeys(['kind', 'variable']);
      return { kind, variable: r.string('variable', true) };
    case 'literal': {
      r.onlyKeys(['kind', 'value']);
      const value = r.raw('value');
      if (typeof value !== 'string') r.fail('value', `expected a string, got ${show(value)}`);
      return { kind, value };
    }
  }
}

function parseProvider(r: Reader): ProviderSpec {
  const key = r.oneOf('key', PROVIDER_KEYS, true);
  switch (key) {
    case 'mbed':
      r.onlyKeys(['key']);
      return { key };
    case 'pkcs11': {
      r.onlyKeys(['key', 'module', 'slot', 'serial', 'pin', 'quirk', 'mounts', 'passEnv']);
      const slot = r.raw('slot');
      if (slot !== undefined && (!Number.isSafeInteger(slot) || (slot as number) < 0)) {
        r.fail('slot', `expected a slot number (a whole number from 0), got ${show(slot)}`);
      }
      const module = r.string('module');
      const serial = r.string('serial');
      const pin = r.object('pin');
      if (module === undefined && (slot !== undefined || serial !== undefined)) {
        r.fail('module', 'slot and serial select a token of a module of yours; give its module too');
      }
      const quirk = r.oneOf('quirk', quirkNames());
      if (quirk !== undefined && module !== undefined) {
        r.fail('quirk', "a quirk is given to the harness's own token; a module of yours has the quirks it has");
      }
      const mounts = r.array('mounts')?.items;
      const passEnv = r.array('passEnv')?.items;
      if ((mounts !== undefined || passEnv !== undefined) && module === undefined) {
        r.fail('module', 'mounts and passEnv are for a module of yours; give its module too');
      }
      mounts?.forEach((m, i) => {
        if (typeof m !== 'string' || !m.startsWith('/'))
          r.fail(`mounts[${i}]`, `expected an absolute path, got ${show(m)}`);
      });
      passEnv?.forEach((v, i) => {
        if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) {
          r.fail(`passEnv[${i}]`, `expected an environment variable name, got ${show(v)}`);
        }
      });
      return {
        key,
        ...(module !== undefined ? { module } : {}),
        ...(mounts !== undefined ? { mounts: mounts as string[] } : {}),
        ...(passEnv !== undefined ? { passEnv: passEnv as string[] } : {}),
        ...(slot !== undefined ? { slot: slot as number } : {}),
        ...(serial !== undefined ? { serial } : {}),
        ...(pin ? { pin: parsePin(pin) } : {}),
        ...(quirk !== undefined ? { quirk } : {}),
      };
    }
    case 'tpm': {
      r.onlyKeys(['key', 'tcti', 'ownerAuthEnv']);
      const tcti = r.string('tcti');
      const ownerAuthEnv = r.string('ownerAuthEnv');
      return { key, ...(tcti !== undefined ? { tcti } : {}), ...(ownerAuthEnv !== undefined ? { ownerAuthEnv } : {}) };
    }
  }
}

function parseAuthenticator(r: Reader): AuthenticatorSpec {
  r.onlyKeys(['type', 'admins']);
  const type = r.oneOf('type', ['unix-peer', 'direct'] as const, true);
  const admins = r.array('admins')?.items;
  admins?.forEach((a, i) => {
    if (typeof a !== 'string' || a.length === 0) r.fail(`admins[${i}]`, `expected an application name, got ${show(a)}`);
  });
  return { type, ...(admins ? { admins: admins as string[] } : {}) };
}

function parseExtra(r: Reader): ExtraConfig {
  r.onlyKeys(EXTRA_CONFIG_TABLES);
  const out: Record<string, Record<string, string | number | boolean>> = {};
  for (const table of EXTRA_CONFIG_TABLES) {
    const t = r.object(table);
    if (!t) continue;
    const values = r.raw(table) as Json;
    for (const [k, v] of Object.entries(values)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) {
        t.fail(k, `expected a string, number or boolean, got ${show(v)}`);
      }
    }
    out[table] = values as Record<string, string | number | boolean>;
  }
  return out;
}

function parseProviders(r: Reader): ProviderSpec[] {
  const list = r.array('providers');
  if (!list || list.items.length === 0) r.fail('providers', `expected at least one of ${PROVIDER_KEYS.join(', ')}`);
  const providers = list.items.map((_, i) => parseProvider(r.at('providers', i)));
  const keys = providers.map((p) => p.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) r.fail('providers', `'${twice}' is listed twice; Parsec reaches one provider of each type`);
  return providers;
}

/**
 * Validates a target spec read from JSON (a file, the run context, the environment). Every error names the field
 * (`spec.providers[1].key`), what it held and what is accepted.
 */
export function parseTargetSpec(value: unknown, where = 'spec'): TargetSpec {
  if (!isObject(value)) throw new TargetSpecError(`${where}: expected an object, got ${show(value)}`);
  const r = new Reader(where, value);
  const kind = r.oneOf('kind', TARGET_KINDS, true);
  if (kind === 'external') {
    r.onlyKeys(['kind', 'socket', 'providers', 'appName']);
    const providers = r.array('providers')?.items;
    providers?.forEach((p, i) => {
      if (!(PROVIDER_KEYS as readonly unknown[]).includes(p)) {
        r.fail(`providers[${i}]`, `expected one of ${PROVIDER_KEYS.join(', ')}, got ${show(p)}`);
      }
    });
    const appName = r.string('appName');
    return {
      kind,
      socket: r.string('socket', true),
      ...(providers ? { providers: providers as ProviderKey[] } : {}),
      ...(appName ? { appName } : {}),
    };
  }
  r.onlyKeys([
    'kind',
    'parsec',
    'providers',
    'authenticator',
    'extraConfig',
    ...(kind === 'containers' ? ['baseImage'] : []),
  ]);
  const parsec = parseSource(r.object('parsec', true));
  if (kind === 'native' && parsec.from === 'image') {
    r.fail('parsec', 'an image runs on the containers target only; give a Debian suite, a binary or a build');
  }
  const auth = r.object('authenticator');
  const extra = r.object('extraConfig');
  const baseImage = kind === 'containers' ? r.string('baseImage') : undefined;
  return {
    kind,
    parsec,
    providers: parseProviders(r),
    ...(auth ? { authenticator: parseAuthenticator(auth) } : {}),
    ...(extra ? { extraConfig: parseExtra(extra) } : {}),
    ...(baseImage ? { baseImage } : {}),
  };
}
