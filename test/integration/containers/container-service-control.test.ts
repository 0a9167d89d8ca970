import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eccSigningKey } from '../../../harness/capabilities';
import {
  CONTAINER_CONTROL_LIMITS,
  pingProbe,
  startTarget,
  type ContainersSpec,
  type ServiceControl,
} from '../../../harness/targets';
import type { ContainerTarget } from '../../../harness/targets/containers';
import { ParsecClient } from '../../../harness/wire';
import { dockerState } from './docker-state';

const MBED: ContainersSpec = {
  kind: 'containers',
  parsec: { from: 'debian', suite: 'trixie' },
  providers: [{ key: 'mbed' }],
};
const KEY = eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' });

function controlOf(target: ContainerTarget): ServiceControl {
  if (!target.control) throw new Error('the container target has no lifecycle control');
  return target.control;
}

describe('container target: lifecycle control of the Parsec container (real Parsec 1.4.1)', () => {
  test('restart keeps the key store and the log; signals reach Parsec; config rewrites go through the bind mount', async () => {
    const target = (await startTarget(MBED)) as ContainerTarget;
    const control = controlOf(target);
    const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
    const ids = new Set(Object.values(target.containerIds));
    try {
      // Paths on this machine, in the bind-mounted folder.
      expect(control.socketDir).toBe(join(target.socketPath, '..'));
      expect(existsSync(control.keyStorePath)).toBe(true);
      expect(control.state().running).toBe(true);

      await client.generateKey(1, 'control-test-key', KEY);
      await control.restart();
      expect((await client.listKeys()).map((k) => k.name)).toContain('control-test-key');
      await client.destroyKey(1, 'control-test-key');
      // The log goes on after the restart: the new container run's lines reach the same file.
      const parsecLog = target.logs().find((l) => l.name === 'parsec')?.path as string;
      expect(readFileSync(parsecLog, 'utf8').match(/Parsec is ready/g)?.length).toBe(2);

      await control.rewriteConfig({ extraConfig: { core_settings: { log_level: 'warn' } } });
      const config = join(control.socketDir, 'config.toml');
      expect(readFileSync(config, 'utf8')).toContain('log_level = "warn"');
      expect(statSync(config).mode & 0o777).toBe(0o600);
      await expect(control.rewriteConfig({ keyStorePath: '/tmp/elsewhere/kim.sqlite3' })).rejects.toThrow(
        CONTAINER_CONTROL_LIMITS.keyStoreElsewhere,
      );
      await expect(control.startRival()).rejects.toThrow(CONTAINER_CONTROL_LIMITS.rival);

      await control.signal('SIGTERM');
      expect((await control.waitForExit(10_000)).running).toBe(false);
      await expect(control.signal('SIGHUP')).rejects.toThrow(/Parsec is not running/);
      await control.restart();
      expect((await pingProbe(target.socketPath)).status).toBe(0);
    } finally {
      await target.stop();
    }
    expect(ids.size).toBeGreaterThan(0);
    expect((await dockerState()).containers.filter((c) => ids.has(c.id))).toEqual([]);
  });
});
