import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeNativeAuthenticators } from '../../../harness/targets/native/native-probe';
import { featuresShown, probeAnswer, probeConfig } from '../../../harness/targets/probe';

/**
 * A stand-in executable (a test double of a Parsec build) that prints what a real build prints at start for the
 * authenticator in its config, then exits.
 */
function fakeParsec(dir: string, missing: string[]): string {
  const path = join(dir, 'parsec');
  const cases = missing
    .map(
      (a) =>
        `*'auth_type = "${a}"'*) echo '[ERROR] Authenticator "${a}" chosen in the configuration was not compiled in Parsec binary.' >&2; exit 1;;`,
    )
    .join('\n');
  writeFileSync(
    path,
    `#!/bin/sh\nconfig=$(cat "$2")\ncase "$config" in\n${cases}\n*) echo 'Parsec needs at least one provider to start.' >&2; exit 1;;\nesac\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('probing a Parsec build for its authenticators', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads "not compiled in" as left out and the provider check as built in', () => {
    expect(
      probeAnswer(
        'Authenticator "Direct { admins: None }" chosen in the configuration was not compiled in Parsec binary.',
      ),
    ).toBe(false);
    expect(probeAnswer('Parsec needs at least one provider to start.')).toBe(true);
    expect(probeAnswer('Segmentation fault')).toBeUndefined();
  });

  it('writes a config with the authenticator and no provider', () => {
    const text = probeConfig('direct', '/p', true);
    expect(text).toContain('auth_type = "Direct"');
    expect(text).not.toContain('[[provider]]');
  });

  it('asks the binary once per authenticator', () => {
    const path = fakeParsec(dir, ['Direct', 'JwtSvid']);
    const found = probeNativeAuthenticators({ path, origin: 'custom' });
    expect(found).toEqual({ direct: false, 'unix-peer-credentials': true, 'jwt-svid': false });
    expect(featuresShown(found)).toEqual(['unix-peer-credentials-authenticator']);
  });

  it('has no answer when the binary cannot even run', () => {
    expect(probeNativeAuthenticators({ path: join(dir, 'missing'), origin: 'custom' }).direct).toBeUndefined();
  });
});
