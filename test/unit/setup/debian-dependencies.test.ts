import { dependencyNames, privateLibraryDependencies } from '../../../harness/setup';

// Depends fields as shipped (trixie parsec-service 1.4.1-3+b2, sid 1.5.0+ds-1, sid libtss2-esys 4.2.0-2).
const TRIXIE =
  'libc6 (>= 2.34), libgcc-s1 (>= 4.2), libmbedcrypto16 (>= 3.6.0), libsqlite3-0 (>= 3.6.0), ' +
  'libtss2-esys-3.0.2-0t64 (>= 2.3.1), libtss2-mu-4.0.1-0t64 (>= 3.0.1), libtss2-tctildr0t64 (>= 3.0.1), adduser';
const SID =
  'systemd | systemd-standalone-sysusers | systemd-sysusers, systemd | systemd-standalone-tmpfiles | systemd-tmpfiles, ' +
  'libc6 (>= 2.34), libgcc-s1 (>= 4.2), libmbedcrypto16 (>= 3.6.0), libsqlite3-0 (>= 3.20.0), ' +
  'libtss2-esys-3.0.2-0t64 (>= 2.3.1), libtss2-mu-4.0.1-0t64 (>= 3.0.1), libtss2-tctildr0t64 (>= 3.0.1)';
const ESYS =
  'libtss2-tcti-cmd0t64, libtss2-tcti-device0t64, libtss2-tcti-mssim0t64, libtss2-tcti-swtpm0t64, libc6 (>= 2.34), ' +
  'libssl3t64 (>= 3.0.0), libtss2-mu-4.0.1-0t64 (>= 3.0.1), libtss2-sys1t64 (>= 4.2.0)';

describe('Parsec library dependencies', () => {
  test('names: first alternative, no versions or architecture qualifiers', () => {
    expect(dependencyNames('a (>= 1) | b, c:any, d')).toEqual(['a', 'c', 'd']);
  });

  test.each([
    ['trixie', TRIXIE],
    ['sid', SID],
  ])('%s parsec-service: mbedcrypto and the TSS core libraries only', (_suite, depends) => {
    expect(privateLibraryDependencies(depends)).toEqual([
      'libmbedcrypto16',
      'libtss2-esys-3.0.2-0t64',
      'libtss2-mu-4.0.1-0t64',
      'libtss2-tctildr0t64',
    ]);
  });

  test('never the newer TCTI plugins or libssl (they need a newer glibc)', () => {
    expect(privateLibraryDependencies(ESYS)).toEqual(['libtss2-mu-4.0.1-0t64', 'libtss2-sys1t64']);
  });
});
