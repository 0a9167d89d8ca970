import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeDirect } from '../../../harness/auth/direct-target';

/** A stand-in executable that prints what a Parsec build prints at start, then exits. */
function fakeParsec(dir: string, says: string): string {
  const path = join(dir, 'parsec');
  writeFileSync(path, `#!/bin/sh\necho '${says}' >&2\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('probing the Parsec build for the Direct authenticator', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'proto-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a skip reason when the build refuses the Direct authenticator', () => {
    const path = fakeParsec(
      dir,
      '[ERROR parsec_service::utils::service_builder] Authenticator "Direct { admins: None }" chosen in the configuration was not compiled in Parsec binary.',
    );
    expect(probeDirect({ path, origin: 'custom' })).toMatch(/built without the Direct authenticator/);
  });

  it('gives no reason when the build went on to the provider check', () => {
    const path = fakeParsec(dir, 'Parsec needs at least one provider to start.');
    expect(probeDirect({ path, origin: 'custom' })).toBeUndefined();
  });

  it('gives no reason when the binary cannot even run (the cases then fail loudly)', () => {
    expect(probeDirect({ path: join(dir, 'missing'), origin: 'custom' })).toBeUndefined();
  });
});
