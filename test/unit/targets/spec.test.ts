import {
  deriveSpec,
  describeParsecSource,
  parseTargetSpec,
  TargetSpecError,
  type NativeSpec,
  type TargetSpec,
} from '../../../harness/targets';

const NATIVE: NativeSpec = {
  kind: 'native',
  parsec: { from: 'debian', suite: 'trixie' },
  providers: [
    { key: 'mbed' },
    { key: 'pkcs11', module: '/opt/token.so', serial: 'ab12', pin: { kind: 'env', variable: 'PIN' } },
    { key: 'tpm' },
  ],
  authenticator: { type: 'unix-peer', admins: ['0'] },
  extraConfig: { core_settings: { log_level: 'debug' } },
};

describe('target specs are plain data', () => {
  it.each<[string, TargetSpec]>([
    ['native', NATIVE],
    [
      'containers',
      {
        kind: 'containers',
        parsec: { from: 'build', suite: 'trixie', features: ['direct-authenticator'] },
        providers: [{ key: 'tpm' }],
        baseImage: 'debian:trixie-slim',
      },
    ],
    ['external', { kind: 'external', socket: '/run/parsec/parsec.sock', providers: ['mbed'], appName: 'app' }],
  ])('a %s spec survives JSON unchanged', (_kind, spec) => {
    expect(parseTargetSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it.each<[unknown, string]>([
    [null, 'spec: expected an object, got null'],
    [{ kind: 'vm' }, 'spec.kind: expected one of native, containers, external, got "vm"'],
    [
      { kind: 'native', parsec: { from: 'debian', suite: 'bookworm' }, providers: [{ key: 'mbed' }] },
      'spec.parsec.suite: expected one of trixie, sid, got "bookworm"',
    ],
    [
      { kind: 'native', parsec: { from: 'image', image: 'x' }, providers: [{ key: 'mbed' }] },
      'spec.parsec: an image runs on the containers target only',
    ],
    [
      { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [] },
      'spec.providers: expected at least one of mbed, pkcs11, tpm',
    ],
    [
      { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'mbed' }, { key: 'mbed' }] },
      "spec.providers: 'mbed' is listed twice",
    ],
    [
      { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'pkcs11', serial: 'x' }] },
      'spec.providers[0].module: slot and serial select a token of a module of yours',
    ],
    [
      {
        kind: 'native',
        parsec: { from: 'debian', suite: 'trixie' },
        providers: [{ key: 'pkcs11', pin: { kind: 'env' } }],
      },
      'spec.providers[0].pin.variable: expected a non-empty string, got nothing',
    ],
    [
      { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'tpm', ownerAuth: 'secret' }] },
      'spec.providers[0].ownerAuth: unknown field; expected one of: key, tcti, ownerAuthEnv',
    ],
    [
      { kind: 'native', parsec: { from: 'build', suite: 'trixie', features: ['turbo'] }, providers: [{ key: 'mbed' }] },
      'spec.parsec.features[0]: unknown cargo feature "turbo"',
    ],
    [
      {
        kind: 'native',
        parsec: { from: 'debian', suite: 'trixie' },
        providers: [{ key: 'mbed' }],
        extraConfig: { provider: {} },
      },
      'spec.extraConfig.provider: unknown field; expected one of: core_settings, listener',
    ],
    [
      { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'mbed' }], baseImage: 'x' },
      'spec.baseImage: unknown field',
    ],
  ])('%j is refused: %s', (value, message) => {
    expect(() => parseTargetSpec(value)).toThrow(TargetSpecError);
    expect(() => parseTargetSpec(value)).toThrow(message);
  });

  it('a suite derives its own target: same Parsec and backends, the change applied', () => {
    const derived = deriveSpec(NATIVE, {
      authenticator: { type: 'direct', admins: ['a'] },
      providerOrder: ['tpm', 'pkcs11'],
    });
    expect(derived).toEqual({
      ...NATIVE,
      authenticator: { type: 'direct', admins: ['a'] },
      providers: [{ key: 'tpm' }, NATIVE.providers[1]],
    });
    expect(deriveSpec(NATIVE, { extraConfig: { listener: { timeout: 10 } } }).extraConfig).toEqual({
      core_settings: { log_level: 'debug' },
      listener: { timeout: 10 },
    });
    const mbedOnly: NativeSpec = { ...NATIVE, providers: [{ key: 'mbed' }] };
    expect(() => deriveSpec(mbedOnly, { providerOrder: ['tpm', 'mbed'] })).toThrow(
      "provider 'tpm' is not in the base spec (mbed)",
    );
    expect(() => deriveSpec({ kind: 'external', socket: '/s' }, {})).toThrow(
      'cannot be derived from an external target',
    );
  });

  it('describes where Parsec comes from in one short word', () => {
    expect(describeParsecSource({ from: 'binary', path: '/opt/parsec' })).toBe('binary:/opt/parsec');
    expect(describeParsecSource({ from: 'image', image: 'me/parsec:rc' })).toBe('image:me/parsec:rc');
  });
});
