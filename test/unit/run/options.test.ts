import { parseProviderList } from '../../../harness/model/providers';
import { runOptionsFromEnv, runOptionsToEnv } from '../../../harness/run/options';
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
});

describe('run options through the environment', () => {
  it('round-trip, with all providers and no suite by default', () => {
    const o = { providers: ['pkcs11', 'mbed'] as const, parsecSuite: 'sid' as const, outDir: '/tmp/r' };
    expect(runOptionsFromEnv(runOptionsToEnv(o))).toEqual(o);
    expect(runOptionsFromEnv({})).toEqual({ providers: ['mbed', 'pkcs11', 'tpm'], outDir: 'reports' });
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
