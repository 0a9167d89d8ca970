import { pinConfigValue, serviceConfig } from '../../../harness/targets/config/service-config';
import { TargetStartError } from '../../../harness/targets';
import { parseDpkgQuery } from '../../../harness/setup';
import { componentVersions } from '../../../harness/targets/versions';

const TOKEN = { serialNumber: 'abc', userPin: 'c0ffee', soPin: 'so-secret', appPin: Buffer.from('c0ffee') };

describe('PIN settings become user_pin values, never spec data', () => {
  it('writes the harness token PIN plain, as hex: of its bytes, or as str:', () => {
    expect(pinConfigValue({ kind: 'token' }, TOKEN).value).toBe('c0ffee');
    expect(pinConfigValue({ kind: 'token', format: 'hex' }, TOKEN).value).toBe('hex:633066666565');
    expect(pinConfigValue({ kind: 'token', format: 'str' }, TOKEN).value).toBe('str:c0ffee');
  });

  it('reads a vendor PIN from the named variable and lists it as a secret', () => {
    const pin = pinConfigValue({ kind: 'env', variable: 'VENDOR_PIN' }, undefined, { VENDOR_PIN: '1234 5678' });
    expect(pin).toEqual({ value: '1234 5678', secrets: ['1234 5678'] });
  });

  it('says which variable is missing, without a value', () => {
    expect(() => pinConfigValue({ kind: 'env', variable: 'VENDOR_PIN' }, undefined, {})).toThrow(TargetStartError);
    expect(() => pinConfigValue({ kind: 'env', variable: 'VENDOR_PIN' }, undefined, {})).toThrow(
      'environment variable VENDOR_PIN, which is not set',
    );
  });

  it('writes no user_pin line for none, and a literal as it is', () => {
    expect(pinConfigValue({ kind: 'none' }, TOKEN).value).toBeUndefined();
    expect(pinConfigValue({ kind: 'literal', value: 'hex:zz' }, TOKEN)).toEqual({ value: 'hex:zz', secrets: [] });
  });
});

describe('the config of a spec', () => {
  const paths = { socketPath: '/s', sqliteDbPath: '/k', allowRoot: true };

  it('puts the harness token and swtpm in, and reports every secret', () => {
    const { value, secrets } = serviceConfig(
      { parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'pkcs11' }, { key: 'tpm' }] },
      { token: TOKEN, harnessModule: '/p11.so', swtpmTcti: 'swtpm:host=127.0.0.1,port=1' },
      paths,
    );
    expect(value.providers).toEqual([
      { type: 'pkcs11', libraryPath: '/p11.so', serialNumber: 'abc', userPin: 'c0ffee' },
      { type: 'tpm', tcti: 'swtpm:host=127.0.0.1,port=1', ownerHierarchyAuth: '' },
    ]);
    expect(secrets).toEqual(expect.arrayContaining(['c0ffee', 'so-secret']));
  });

  it("takes a TPM of the user's with its owner auth from the environment", () => {
    const { value, secrets } = serviceConfig(
      {
        parsec: { from: 'debian', suite: 'trixie' },
        providers: [{ key: 'tpm', tcti: 'device:/dev/tpmrm0', ownerAuthEnv: 'OWNER' }],
      },
      {},
      paths,
      { OWNER: 'tpm-owner-secret' },
    );
    expect(value.providers).toEqual([
      { type: 'tpm', tcti: 'device:/dev/tpmrm0', ownerHierarchyAuth: 'tpm-owner-secret' },
    ]);
    expect(secrets).toEqual(['tpm-owner-secret']);
  });
});

describe('backend versions from Debian packages', () => {
  it('reads installed packages only, and the first source of a component wins', () => {
    const host = parseDpkgQuery(
      'libtss2-esys-3.0.2-0\t3.2.1-3\tii \nswtpm\t0.7.1-1.3\tii \nsofthsm2\t2.6.1-2.1\trc \n',
    );
    expect(host).toEqual({ 'libtss2-esys-3.0.2-0': '3.2.1-3', swtpm: '0.7.1-1.3' });
    expect(componentVersions({ 'libtss2-esys-3.0.2-0t64': '4.1.3-1.2' }, host)).toEqual({
      'tpm2-tss': '4.1.3-1.2',
      swtpm: '0.7.1-1.3',
    });
  });
});
