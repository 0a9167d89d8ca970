import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesUsing } from '../processes';
import { startTarget, type NativeSpec, type SwtpmControls, type TokenControls } from '../../../harness/targets';
import type { NativeTarget } from '../../../harness/targets/native';
import { ParsecClient } from '../../../harness/wire';

// The backend controls the fault suites use, on the real swtpm and SoftHSM2 token of a native target: each does what
// it says to the real process or folder, and a target stopped with a fault still in force leaves nothing behind.
const SPEC: NativeSpec = {
  kind: 'native',
  parsec: { from: 'debian', suite: 'trixie' },
  providers: [{ key: 'pkcs11' }, { key: 'tpm' }],
};

/** The state letter of the swtpm process of this work dir (R, S, T, …), or undefined when there is none. */
function swtpmState(workDir: string): string | undefined {
  const line = processesUsing(join(workDir, 'tpm')).find((p) => p.split(' ')[1] === 'swtpm');
  if (!line) return undefined;
  const stat = readFileSync(`/proc/${line.split(' ')[0]}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
}

const mountedAt = (dir: string) => readFileSync('/proc/self/mounts', 'utf8').includes(` ${dir} `);

function controls(target: NativeTarget): { swtpm: SwtpmControls; token: TokenControls } {
  const { swtpm, token } = target.backendControls;
  if (!swtpm || !token) throw new Error('the native target with tpm and pkcs11 offers no swtpm or token controls');
  return { swtpm, token };
}

describe('native target: backend controls on the real swtpm and SoftHSM2 token', () => {
  test('SIGSTOP, SIGCONT, SIGKILL and restart reach swtpm itself; power cycle resets the TPM', async () => {
    const target = (await startTarget(SPEC)) as NativeTarget;
    const { workDir } = target;
    const { swtpm } = controls(target);
    try {
      expect(swtpm.component).toMatch(/^swtpm on 127\.0\.0\.1:\d+$/);
      await swtpm.signal('SIGSTOP');
      expect(swtpmState(workDir)).toBe('T');
      await swtpm.signal('SIGCONT');
      expect(swtpmState(workDir)).not.toBe('T');
      await swtpm.powerCycle();
      await swtpm.signal('SIGKILL');
      expect(swtpm.running()).toBe(false);
      expect(swtpmState(workDir)).toBeUndefined();
      const component = swtpm.component;
      await swtpm.restart();
      expect(swtpm.running()).toBe(true);
      expect(swtpm.component).toBe(component);
      await expect(swtpm.restart()).rejects.toThrow(/still running/);
      // Frozen at stop: the target thaws it first, so the stop neither hangs nor leaves it.
      await swtpm.signal('SIGSTOP');
    } finally {
      await target.stop();
    }
    expect(existsSync(workDir)).toBe(false);
    expect(processesUsing(workDir)).toEqual([]);
  }, 60_000);

  test('the token directory made read-only and writable again, the token removed and put back; a mount left is lifted at stop', async () => {
    const target = (await startTarget(SPEC)) as NativeTarget;
    const { workDir } = target;
    const tokenDir = join(workDir, 'tokens');
    const { token } = controls(target);
    const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
    try {
      expect(token.component).toBe(`SoftHSM2 token directory ${tokenDir}`);
      const undo = await token.readOnly();
      expect(mountedAt(tokenDir)).toBe(true);
      // Root is refused too: the bind mount is read-only, not the mode bits.
      expect(() => writeFileSync(join(tokenDir, 'probe'), 'x')).toThrow(/EROFS/);
      await undo();
      await undo();
      expect(mountedAt(tokenDir)).toBe(false);
      writeFileSync(join(tokenDir, 'probe'), 'x');
      unlinkSync(join(tokenDir, 'probe'));

      const folders = readdirSync(tokenDir);
      expect(folders.length).toBe(1);
      const putBack = await token.remove();
      expect(readdirSync(tokenDir)).toEqual([]);
      await putBack();
      expect(readdirSync(tokenDir)).toEqual(folders);

      await token.readOnly();
      expect((await client.ping()).wireProtocolVersionMaj).toBe(1);
    } finally {
      await target.stop();
    }
    expect(mountedAt(tokenDir)).toBe(false);
    expect(existsSync(workDir)).toBe(false);
  }, 60_000);

  test('a target without swtpm or token offers no control of them', async () => {
    const target = (await startTarget({ ...SPEC, providers: [{ key: 'mbed' }] })) as NativeTarget;
    try {
      expect(target.backendControls).toEqual({});
    } finally {
      await target.stop();
    }
  }, 30_000);
});
