import { parseProviderList } from '../../../harness/model/providers';
import { ENV, runOptionsFromEnv, runOptionsToEnv, type RunOptions } from '../../../harness/run/options';
import { specFromFlags, UsageError } from '../../../harness/run/run-spec';
import { BASE_BUILD_FEATURES, describeParsecSource, parseParsecSource } from '../../../harness/targets';
import { parseParsecSuite } from '../../../harness/setup';
import { globToRegExp, selectSuites } from '../../../harness/run/suite-files';

describe('--providers', () => {
  it('keeps order and drops duplicates', () => {
    expect(parseProviderList('tpm, mbed,tpm')).toEqual(['tpm', 'mbed']);
  });
  it('names unknown values and the accepted ones', () => {
    expect(() => parseProviderList('mbed,hsm')).toThrow(
      "unknown provider(s) 'hsm'; expected some of: mbed, pkcs11, tpm",
    );
    expect(() => parseProviderList(' , ')).toThrow('--providers is empty');
  });
});

describe('--parsec', () => {
  it('accepts the known suites and explains the rest', () => {
    expect(parseParsecSuite('sid')).toBe('sid');
    expect(() => parseParsecSuite('bookworm')).toThrow("unknown Parsec suite 'bookworm'; expected one of: trixie, sid");
  });
  it('takes a Debian suite, a source build with features, or an image', () => {
    expect(parseParsecSource('sid')).toEqual({ from: 'debian', suite: 'sid' });
    expect(parseParsecSource('image:me/parsec:rc1')).toEqual({ from: 'image', image: 'me/parsec:rc1' });
    const build = parseParsecSource('build:trixie+direct-authenticator');
    expect(build).toMatchObject({ from: 'build', suite: 'trixie' });
    expect(build.from === 'build' && build.features).toEqual([...BASE_BUILD_FEATURES, 'direct-authenticator']);
    expect(describeParsecSource(build)).toBe('build:trixie+direct-authenticator');
  });
  it('names what is wrong with a source', () => {
    expect(() => parseParsecSource('bookworm')).toThrow(
      /not a Parsec source; expected a Debian suite \(trixie = 1.4.1, sid = 1.5.0\)/,
    );
    expect(() => parseParsecSource('build:sid')).toThrow('Parsec can be built from the sources of trixie, not sid');
    expect(() => parseParsecSource('build:trixie+fast-mode')).toThrow('unknown cargo feature(s) fast-mode');
  });
});

describe('run options through the environment', () => {
  it('round-trip the spec, the report folder, the expectation profiles and the request timeout', () => {
    const o: RunOptions = {
      spec: {
        kind: 'containers',
        parsec: { from: 'debian', suite: 'sid' },
        providers: [{ key: 'pkcs11' }, { key: 'mbed' }],
      },
      outDir: '/tmp/r',
      profiles: ['/tmp/my-token.json'],
      requestTimeoutMs: 7500,
    };
    expect(runOptionsFromEnv(runOptionsToEnv(o))).toEqual(o);
  });
  it('default to the native target with every provider, and a 5 s request timeout', () => {
    const { spec, outDir, requestTimeoutMs } = runOptionsFromEnv({});
    expect(outDir).toBe('reports');
    expect(requestTimeoutMs).toBe(5000);
    expect(spec).toMatchObject({ kind: 'native', providers: [{ key: 'mbed' }, { key: 'pkcs11' }, { key: 'tpm' }] });
  });
  it('refuse a spec that is not JSON or not a spec, naming the field', () => {
    expect(() => runOptionsFromEnv({ [ENV.spec]: '{' })).toThrow(`${ENV.spec} is not JSON`);
    expect(() =>
      runOptionsFromEnv({
        [ENV.spec]: '{"kind":"native","parsec":{"from":"debian","suite":"trixie"},"providers":[{"key":"hsm"}]}',
      }),
    ).toThrow(`${ENV.spec}.providers[0].key: expected one of mbed, pkcs11, tpm, got "hsm"`);
  });
});

describe('the run spec from the command line', () => {
  it("builds a native spec with a TPM of the user's, its owner auth named by a variable", () => {
    expect(
      specFromFlags({ providers: 'tpm,mbed', tcti: 'device:/dev/tpmrm0', tpmOwnerAuthEnv: 'OWNER', parsec: 'trixie' }),
    ).toEqual({
      kind: 'native',
      parsec: { from: 'debian', suite: 'trixie' },
      providers: [{ key: 'tpm', tcti: 'device:/dev/tpmrm0', ownerAuthEnv: 'OWNER' }, { key: 'mbed' }],
    });
  });
  it('builds a container spec and an external one', () => {
    expect(specFromFlags({ target: 'containers', parsec: 'sid', providers: 'mbed' })).toEqual({
      kind: 'containers',
      parsec: { from: 'debian', suite: 'sid' },
      providers: [{ key: 'mbed' }],
    });
    expect(specFromFlags({ socket: '/run/p.sock' })).toEqual({ kind: 'external', socket: '/run/p.sock' });
  });
  it.each([
    [{ socket: '/s', parsec: 'sid' }, '--socket cannot be combined with --parsec'],
    [{ target: 'containers', tcti: 'device:/dev/tpm0' }, '--tcti (a TPM of yours) runs with the native target'],
    [{ tcti: 'device:/dev/tpm0', providers: 'mbed' }, '--tcti names a TPM, but --providers mbed has no tpm'],
    [{ parsec: 'sid', parsecBin: '/x' }, '--parsec and --parsec-bin both name the Parsec to test'],
    [{ parsec: 'image:x' }, 'an image runs with --target containers'],
    [{ target: 'vm' }, '--target vm is not a target kind'],
    [{ tpmOwnerAuthEnv: 'X' }, '--tpm-owner-auth-env goes with --tcti'],
    [{ baseImage: 'debian:sid' }, '--base-image goes with --target containers'],
    [{ targetSpec: '/nonexistent/spec.json' }, '--target-spec /nonexistent/spec.json cannot be read'],
    [{ targetSpec: '/x.json', socket: '/s' }, '--target-spec cannot be combined with --socket'],
  ])('%j is a usage error: %s', (flags, message) => {
    expect(() => specFromFlags(flags)).toThrow(UsageError);
    expect(() => specFromFlags(flags)).toThrow(message);
  });
});

describe('--suite globs', () => {
  const suites = ['core/ping', 'core/list-keys', 'crypto/psa-sign-hash', 'crypto/rsa/psa-sign-hash-pss'].map((id) => ({
    id,
    file: `${id}.test.ts`,
  }));
  it.each([
    ['core/*', ['core/ping', 'core/list-keys']],
    ['ping', ['core/ping']],
    ['psa-sign-*', ['crypto/psa-sign-hash', 'crypto/rsa/psa-sign-hash-pss']],
    ['crypto/*', ['crypto/psa-sign-hash']],
    ['crypto/**', ['crypto/psa-sign-hash', 'crypto/rsa/psa-sign-hash-pss']],
  ])('%s selects %j', (glob, ids) => {
    expect(selectSuites([glob], suites).map((s) => s.id)).toEqual(ids);
  });
  it('says which suites exist when nothing matches', () => {
    expect(() => selectSuites(['nope'], suites)).toThrow(
      '--suite nope matches no suite; available: core/ping, core/list-keys',
    );
  });
  it('treats dots literally', () => {
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
