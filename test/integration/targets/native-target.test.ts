import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUsing } from '../processes';
import { pingProbe, startTarget, TargetStartError, type NativeSpec } from '../../../harness/targets';
import type { NativeTarget } from '../../../harness/targets/native';

function runDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`parsec-conformance-${process.pid}-`));
}

const ALL: NativeSpec = {
  kind: 'native',
  parsec: { from: 'debian', suite: 'trixie' },
  providers: [{ key: 'mbed' }, { key: 'pkcs11' }, { key: 'tpm' }],
};

function withBinary(path: string, providers: NativeSpec['providers']): NativeSpec {
  return { kind: 'native', parsec: { from: 'binary', path }, providers };
}

describe('native target (real Parsec from Debian trixie)', () => {
  // Kept logs go here; removed after each test, also when an assertion failed.
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'pc-kept-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test('starts with Mbed Crypto, PKCS#11 and TPM, answers Ping, and stop() leaves nothing behind', async () => {
    const target = (await startTarget(ALL)) as NativeTarget;
    const { workDir } = target;
    const kept = join(scratch, 'kept');
    try {
      expect(target.kind).toBe('native');
      expect(target.auth).toEqual({ kind: 'unix-peer' });
      expect(target.providers).toEqual(['mbed', 'pkcs11', 'tpm']);
      expect(target.startupMs).toBeGreaterThan(0);
      expect((await pingProbe(target.socketPath)).status).toBe(0);
      expect(target.logTail()).toContain('Parsec is ready');
      expect(target.logs().map((l) => l.name)).toEqual(['parsec', 'swtpm']);
      // The version is the service's own answer; the backends are the packages that really run.
      expect(target.versions.parsec).toMatchObject({ version: '1.4.1', source: 'debian:trixie' });
      expect(Object.keys(target.versions.backends).sort()).toEqual(
        ['libtpms', 'mbedtls', 'softhsm2', 'swtpm', 'tcti-swtpm', 'tpm2-tss'].sort(),
      );
      expect(target.versions.backends.softhsm2).toMatch(/^2\.6\.1/);
      expect(processesUsing(workDir).length).toBeGreaterThan(0);
      // The config carries the token PIN, so only its owner may read it.
      expect(readFileSync(join(workDir, 'config.toml'), 'utf8')).toContain('user_pin = ');
    } finally {
      await target.stop({ keepLogsIn: kept, logPrefix: 'run.' });
    }
    expect(existsSync(workDir)).toBe(false);
    expect(processesUsing(workDir)).toEqual([]);
    expect(readdirSync(kept).sort()).toEqual(['run.parsec.log', 'run.swtpm.log']);
    expect(readFileSync(join(kept, 'run.parsec.log'), 'utf8')).toContain('Parsec is ready');
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
      const error = await startTarget(withBinary(fake, ALL.providers)).then(
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
    const error = await startTarget(withBinary('/bin/false', [{ key: 'mbed' }])).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TargetStartError);
    expect((error as TargetStartError).reason).toBe('Parsec exited with code 1 before answering Ping');
    expect(runDirs()).toEqual([]);
  });

  test('swtpm is stopped with everything else when Parsec fails', async () => {
    const error = await startTarget(withBinary('/bin/false', [{ key: 'tpm' }])).catch(
      (err: unknown) => err as TargetStartError,
    );
    expect(error).toBeInstanceOf(TargetStartError);
    // The swtpm command line names the run dir's tpm state folder.
    expect(processesUsing(`parsec-conformance-${process.pid}-`)).toEqual([]);
    expect(runDirs()).toEqual([]);
  });

  test('a token made for the target never has its PINs on a command line', async () => {
    const seen: string[] = [];
    let watching = true;
    // Samples every process's command line while the token is made and Parsec starts.
    const sampler = (async () => {
      while (watching) {
        seen.push(...processesUsing('softhsm2-util'), ...processesUsing('--pin'));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const target = (await startTarget({ ...ALL, providers: [{ key: 'pkcs11' }] })) as NativeTarget;
    watching = false;
    await sampler;
    try {
      const pin = /user_pin = "([0-9a-f]+)"/.exec(readFileSync(join(target.workDir, 'config.toml'), 'utf8'))?.[1];
      expect(pin).toMatch(/^[0-9a-f]{24}$/);
      expect(seen.filter((line) => line.includes(pin as string))).toEqual([]);
      expect(seen.filter((line) => /\s--(so-)?pin(\s|=|$)/.test(line))).toEqual([]);
    } finally {
      await target.stop();
    }
  });
});
