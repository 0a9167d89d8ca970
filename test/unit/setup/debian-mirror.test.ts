import { deriveDebianMirror, mirrorFromDeb822, mirrorFromSourcesList } from '../../../harness/setup';

// The shape of a Debian 12 container's /etc/apt/sources.list.d/debian.sources (hosts are examples).
const DEB822 = `Types: deb
# http://snapshot.example.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('Debian mirror derivation', () => {
  test('deb822: the first deb stanza that is not a security suite, without trailing slash', () => {
    expect(mirrorFromDeb822(DEB822)).toBe('http://mirror.example.org/debian');
  });

  test('deb822: skips disabled, deb-src-only and security-first stanzas', () => {
    const text = [
      'Types: deb\nURIs: http://security.example.org/debian-security\nSuites: bookworm-security\nComponents: main',
      'Types: deb-src\nURIs: http://src.example.org/debian\nSuites: bookworm\nComponents: main',
      'Enabled: no\nTypes: deb\nURIs: http://off.example.org/debian\nSuites: bookworm\nComponents: main',
      'Types: deb deb-src\nURIs: https://main.example.org/debian https://second.example.org/debian\nSuites: bookworm',
    ].join('\n\n');
    expect(mirrorFromDeb822(text)).toBe('https://main.example.org/debian');
  });

  test('one-line sources.list: first deb line, options and comments ignored', () => {
    const text = [
      '# deb http://commented.example.org/debian bookworm main',
      'deb-src http://src.example.org/debian bookworm main',
      'deb http://security.example.org/debian-security bookworm-security main',
      'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example.org/debian/ bookworm main contrib',
    ].join('\n');
    expect(mirrorFromSourcesList(text)).toBe('http://mirror.example.org/debian');
  });

  test('deb822 first, sources.list as the fallback, undefined when neither has one', () => {
    const list = 'deb http://list.example.org/debian bookworm main\n';
    expect(deriveDebianMirror({ deb822: DEB822, sourcesList: list })).toBe('http://mirror.example.org/debian');
    expect(deriveDebianMirror({ deb822: '', sourcesList: list })).toBe('http://list.example.org/debian');
    expect(deriveDebianMirror({ sourcesList: list })).toBe('http://list.example.org/debian');
    expect(deriveDebianMirror({})).toBeUndefined();
  });
});
