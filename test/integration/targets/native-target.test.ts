import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUsing } from '../processes';
import { ensureSetup, type SetupResult } from '../../../harness/setup';
import { pingProbe, startNativeTarget, TargetStartError, type NativeTarget } from '../../../harness/targets/native';

function runDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`parsec-conformance-${process.pid}-`));
}

describe('native target (real Parsec from Debian trixie)', () => {
  let parsec: SetupResult;
  beforeAll(async () => {
    parsec = await ensureSetup({ parsecSuite: 'trixie' });
  }, 300_000);

  test('starts with Mbed Crypto, PKCS#11 and TPM, answers Ping, and stop() leaves nothing behind', async () => {
    const target: NativeTarget = await startNativeTarget({ parsec, providers: ['mbed', 'pkcs11', 'tpm'] });
    const { workDir } = target;
    try {
      expect(target.kind).toBe('native');
      expect(target.auth).toEqual({ kind: 'unix-peer' });
      expect(target.startupMs).toBeGreaterThan(0);
      expect((await pingProbe(target.socketPath)).status).toBe(0);
      expect(target.logTail()).toContain('Parsec is ready');
      expect(processesUsing(workDir).length).toBeGreaterThan(0);
      // The config carries the token PIN, so only its owner may read it.
      expect(readFileSync(join(workDir, 'config.toml'), 'utf8')).toContain('user_pin = ');
    } finally {
      await target.stop({ keepLogAt: join(tmpdir(), `kept-${process.pid}.log`) });
    }
    expect(existsSync(workDir)).toBe(false);
    expect(processesUsing(workDir)).toEqual([]);
    expect(target.swtpmPort).toBeDefined();
    const kept = join(tmpdir(), `kept-${process.pid}.log`);
    expect(readFileSync(kept, 'utf8')).toContain('Parsec is ready');
    rmSync(kept);
    expect(target.logTail()).toContain('Parsec is ready');
    await target.stop();
  });

  test('a binary that exits at once gives TargetStartError with the log, and nothing is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-parsec-'));
    const fake = join(dir, 'parsec');
    writeFileSync(fake, '#!/bin/sh\necho "config file not understood: $2" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const before = runDirs();
    try {
      const error = await startNativeTarget({
        parsec: { path: fake, origin: 'custom' },
        providers: ['mbed', 'pkcs11', 'tpm'],
      }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(TargetStartError);
      const message = (error as TargetStartError).message;
      expect(message).toMatch(/^Parsec exited with code 1 before answering Ping\n/);
      expect(message).toContain('--- last lines of parsec.log ---\nconfig file not understood: ');
      expect(message).not.toMatch(/user_pin|[0-9a-f]{24}/);
      expect(runDirs()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/bin/false as the Parsec binary fails the same way', async () => {
    const error = await startNativeTarget({
      parsec: { path: '/bin/false', origin: 'custom' },
      providers: ['mbed'],
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TargetStartError);
    expect((error as TargetStartError).reason).toBe('Parsec exited with code 1 before answering Ping');
    expect(runDirs()).toEqual([]);
  });

  test('swtpm is stopped with everything else when Parsec fails', async () => {
    const error = await startNativeTarget({
      parsec: { path: '/bin/false', origin: 'custom' },
      providers: ['tpm'],
    }).catch((err: unknown) => err as TargetStartError);
    expect(error).toBeInstanceOf(TargetStartError);
    // The swtpm command line names the run dir's tpm state folder.
    expect(processesUsing(`parsec-conformance-${process.pid}-`)).toEqual([]);
    expect(runDirs()).toEqual([]);
  });
});
