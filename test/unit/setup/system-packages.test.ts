import { checkSystemPackages, installSystemPackages, SetupError } from '../../../harness/setup';

describe('system packages', () => {
  afterEach(() => jest.restoreAllMocks());

  test('only the packages of the chosen providers are required', () => {
    expect(checkSystemPackages(['mbed'])).toEqual([]);
    expect(checkSystemPackages(['pkcs11']).map((r) => r.package)).toEqual([
      'softhsm2',
      'gcc',
      'libc6-dev',
      'libp11-kit-dev',
    ]);
    expect(checkSystemPackages(['tpm']).map((r) => r.package)).toEqual([
      'swtpm',
      'swtpm-tools',
      'tpm2-tools',
      'libtss2-tcti-swtpm0',
    ]);
  });

  test('not root: one line naming what is missing and the command that installs it', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(1000);
    const missing = [
      { package: 'softhsm2', present: false, missing: ['softhsm2-util'] },
      { package: 'swtpm', present: false, missing: ['swtpm'] },
    ];
    await expect(installSystemPackages(missing, () => undefined)).rejects.toThrow(
      new SetupError(
        'missing system packages: softhsm2 (softhsm2-util), swtpm (swtpm); ' +
          'install them with: sudo apt-get install -y --no-install-recommends softhsm2 swtpm',
      ),
    );
  });

  test('nothing missing: nothing to do', async () => {
    await expect(installSystemPackages([], () => undefined)).resolves.toBeUndefined();
  });
});
