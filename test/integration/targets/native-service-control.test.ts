import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processesUsing } from '../processes';
import { pingProbe, startTarget, type NativeSpec, type ServiceControl } from '../../../harness/targets';
import type { NativeTarget } from '../../../harness/targets/native';
import { ParsecClient, type KeyAttributes } from '../../../harness/wire';

const MBED: NativeSpec = { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'mbed' }] };
const ECC_SIGN: KeyAttributes = {
  keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
  keyBits: 256,
  policy: { usage: { signHash: true, verifyHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
};

function controlOf(target: NativeTarget): ServiceControl {
  const control = target.control;
  expect(control).toBeDefined();
  return control;
}

describe('native target: lifecycle control of the real Parsec (Debian trixie, Mbed Crypto)', () => {
  test('restart keeps the config, socket and key store; signal reaches Parsec alone; stop leaves nothing', async () => {
    const target = (await startTarget(MBED)) as NativeTarget;
    const { workDir } = target;
    const control = controlOf(target);
    const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
    try {
      expect(control.socketDir).toBe(dirname(target.socketPath));
      expect(control.keyStorePath).toBe(join(workDir, 'kim-mappings.sqlite3'));
      const before = control.state();
      if (!before.running) throw new Error(`Parsec is not running: ${before.how}`);
      // The pid is Parsec's own, not its watchdog shell's.
      expect(readFileSync(`/proc/${before.pid}/cmdline`, 'latin1')).toContain(join(workDir, 'config.toml'));

      await client.generateKey(1, 'control-test-key', ECC_SIGN);
      expect(existsSync(control.keyStorePath)).toBe(true);
      await control.restart();
      const after = control.state();
      expect(after.running && after.pid !== before.pid).toBe(true);
      expect((await client.listKeys()).map((k) => k.name)).toContain('control-test-key');
      await client.destroyKey(1, 'control-test-key');

      // SIGTERM through signal(): Parsec ends, and the state says how; restart() brings it back.
      await control.signal('SIGTERM');
      const ended = await control.waitForExit(10_000);
      expect(ended.running).toBe(false);
      await expect(control.signal('SIGHUP')).rejects.toThrow(/Parsec is not running/);
      await control.restart();
      expect((await pingProbe(target.socketPath)).status).toBe(0);
    } finally {
      await target.stop();
    }
    expect(existsSync(workDir)).toBe(false);
    expect(processesUsing(workDir)).toEqual([]);
  });

  test('rewriteConfig writes a 0600 config from the started one; a rival on its own socket comes up and goes with the target', async () => {
    const target = (await startTarget(MBED)) as NativeTarget;
    const { workDir } = target;
    const control = controlOf(target);
    try {
      const configPath = join(workDir, 'config.toml');
      await control.rewriteConfig({
        extraConfig: { core_settings: { log_level: 'debug' } },
        keyStorePath: join(workDir, 'moved.sqlite3'),
        appendText: '# appended by the test',
      });
      const text = readFileSync(configPath, 'utf8');
      expect(statSync(configPath).mode & 0o777).toBe(0o600);
      expect(text).toContain('log_level = "debug"');
      expect(text).toContain(`sqlite_db_path = "${join(workDir, 'moved.sqlite3')}"`);
      expect(text.trimEnd().endsWith('# appended by the test')).toBe(true);
      expect(control.keyStorePath).toBe(join(workDir, 'moved.sqlite3'));
      await expect(control.rewriteConfig({ providers: ['tpm'] })).rejects.toThrow(/provider 'tpm' was not started/);

      const rivalSocket = join(workDir, 'rival.sock');
      const rival = await control.startRival({ socketPath: rivalSocket });
      expect(rival.outcome).toBe('ready');
      expect(rival.state().running).toBe(true);
      expect((await pingProbe(rivalSocket)).status).toBe(0);
      expect(rival.logTail()).toContain('Parsec is ready');
    } finally {
      await target.stop();
    }
    expect(processesUsing(workDir)).toEqual([]);
  });
});
