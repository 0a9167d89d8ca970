import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eccSigningKey } from '../../../harness/capabilities';
import { dockerClient } from '../../../harness/setup';
import { pingProbe, startTarget, TargetStartError, type ContainersSpec } from '../../../harness/targets';
import type { ContainerTarget } from '../../../harness/targets/containers';
import { ParsecClient } from '../../../harness/wire';
import { dockerState, orphanedContainers } from './docker-state';

const ALL: ContainersSpec = {
  kind: 'containers',
  parsec: { from: 'debian', suite: 'trixie' },
  providers: [{ key: 'mbed' }, { key: 'pkcs11' }, { key: 'tpm' }],
};

/** Containers whose target label is this target's. */
async function containersOf(target: ContainerTarget): Promise<string[]> {
  const ids = new Set(Object.values(target.containerIds));
  return (await dockerState()).containers.filter((c) => ids.has(c.id)).map((c) => c.role);
}

describe('container target (Parsec, SoftHSM2 and swtpm each in a container, real Parsec 1.4.1)', () => {
  // Kept logs go here; removed after each test, also when an assertion failed.
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'pc-kept-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  // The first start may build the images (about a minute on a fresh machine); later ones find them.
  test('starts three containers without IP networking, answers Ping on its socket, and stop() removes all', async () => {
    const before = await dockerState();
    const target = (await startTarget(ALL)) as ContainerTarget;
    const kept = join(scratch, 'kept');
    try {
      expect(target.kind).toBe('containers');
      expect((await pingProbe(target.socketPath)).status).toBe(0);
      expect((await containersOf(target)).sort()).toEqual(['parsec', 'softhsm2', 'swtpm']);
      // No container has an address on any network: tests can only reach Parsec through its socket.
      for (const [role, id] of Object.entries(target.containerIds)) {
        const info = await dockerClient().getContainer(id).inspect();
        const addresses = Object.values(info.NetworkSettings.Networks ?? {})
          .map((n) => n.IPAddress)
          .filter((a) => a);
        expect({ role, mode: info.HostConfig.NetworkMode, addresses }).toEqual({
          role,
          mode: role === 'parsec' ? `container:${target.containerIds.swtpm}` : 'none',
          addresses: [],
        });
      }
      expect(target.versions.parsec).toMatchObject({ version: '1.4.1', source: 'debian:trixie' });
      expect(Object.keys(target.versions.backends).sort()).toEqual(
        ['libtpms', 'mbedtls', 'p11-kit', 'softhsm2', 'swtpm', 'tcti-swtpm', 'tpm2-tss'].sort(),
      );
      expect(target.logs().map((l) => l.name)).toEqual(['parsec', 'softhsm2', 'swtpm']);
      // The PKCS#11 token is served by the SoftHSM2 container over p11-kit: a key made through Parsec works.
      const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
      await client.generateKey(
        2,
        'pc-container-probe-key',
        eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' }),
      );
      expect((await client.exportPublicKey(2, 'pc-container-probe-key'))[0]).toBe(0x04);
      await client.destroyKey(2, 'pc-container-probe-key');
      expect(target.logTail()).toContain('Parsec is ready');
    } finally {
      await target.stop({ keepLogsIn: kept });
    }
    expect(readdirSync(kept).sort()).toEqual(['parsec.log', 'softhsm2.log', 'swtpm.log']);
    expect(readFileSync(join(kept, 'softhsm2.log'), 'utf8')).toContain('P11_KIT_SERVER_ADDRESS=');
    expect(existsSync(target.socketPath)).toBe(false);
    const after = await dockerState();
    expect(await containersOf(target)).toEqual([]);
    expect(after.volumes).toEqual(before.volumes);
    expect(after.networks).toEqual(before.networks);
  }, 300_000);

  test('a Parsec container that cannot start fails with its log, and nothing of it is left', async () => {
    const before = await dockerState();
    const error = await startTarget({ ...ALL, extraConfig: { listener: { listener_type: 'TcpSocket' } } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TargetStartError);
    const message = (error as TargetStartError).message;
    expect(message).toContain('--- last lines of parsec container log ---');
    expect(message).toMatch(/unknown variant `TcpSocket`/);
    // The token's PINs never reach a message.
    expect(message).not.toMatch(/[0-9a-f]{24}/);
    const after = await dockerState();
    expect(after.containers.filter((c) => c.pid === process.pid)).toEqual(
      before.containers.filter((c) => c.pid === process.pid),
    );
    expect(await orphanedContainers()).toEqual([]);
  }, 120_000);

  test('what a container spec cannot do is said before anything starts', async () => {
    await expect(startTarget({ ...ALL, providers: [{ key: 'tpm', tcti: 'device:/dev/tpmrm0' }] })).rejects.toThrow(
      'a TPM of yours (device:/dev/tpmrm0) runs with the native target',
    );
  });
});
