import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../harness/setup';
import { startSwtpm, type RunningSwtpm } from '../../../harness/targets/native';
import { resultsOf, runCli } from '../run-cli';

/**
 * `run --tcti` takes a TPM that is already there, the way a vendor's TPM (device:/dev/tpmrm0) is: here an swtpm this
 * test starts itself, given an owner password first, as a provisioned TPM has one. The harness reads the password
 * from the environment variable it is told, never prints it, and changes nothing on the TPM.
 */
const OWNER_AUTH = 'owner-secret-7f3a91';

describe("a TPM of the user's through --tcti (an swtpm this test started and provisioned)", () => {
  let dir: string;
  let tpm: RunningSwtpm;
  const tools = async (...args: string[]): Promise<string> => {
    const r = await runCommand(args[0] as string, args.slice(1), { env: { ...process.env, TPM2TOOLS_TCTI: tpm.tcti } });
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.output}`);
    return r.output;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-user-tpm-'));
    tpm = await startSwtpm(dir);
    await tools('tpm2_changeauth', '-c', 'owner', OWNER_AUTH);
    // A persistent key the owner made before the run: it must still be there after it.
    await tools('tpm2_createprimary', '-C', 'o', '-P', OWNER_AUTH, '-c', join(dir, 'primary.ctx'));
    await tools('tpm2_evictcontrol', '-C', 'o', '-P', OWNER_AUTH, '-c', join(dir, 'primary.ctx'), '0x81000001');
    // Without a resource manager, tpm2-tools leave their transient objects loaded; a provisioned TPM has none.
    await tools('tpm2_flushcontext', '-t');
  }, 60_000);
  afterAll(async () => {
    await tpm?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the TPM suites pass with the owner auth from the environment, which appears in no output', async () => {
    const out = join(dir, 'out');
    const run = await runCli(
      [
        'run',
        '--providers',
        'tpm',
        '--tcti',
        tpm.tcti,
        '--tpm-owner-auth-env',
        'MY_OWNER_AUTH',
        '--suite',
        'core/list-providers',
        'crypto/psa-sign-hash-ecdsa',
        'crypto/psa-asymmetric-encrypt',
        '--out',
        out,
      ],
      { env: { MY_OWNER_AUTH: OWNER_AUTH } },
    );
    expect({ code: run.code, tail: run.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const results = resultsOf(out);
    expect(results?.target).toMatchObject({ kind: 'native', backends: expect.objectContaining({ tcti: tpm.tcti }) });
    const tpmCases = results?.cases.filter((c) => c.provider === 'tpm' && c.status === 'passed') ?? [];
    expect(tpmCases.length).toBeGreaterThan(20);

    for (const text of [run.stdout, run.stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'))]) {
      expect(text).not.toContain(OWNER_AUTH);
    }
    // Nothing destructive: the owner password and the owner's persistent key are as they were.
    expect(await tools('tpm2_getcap', 'handles-persistent')).toContain('0x81000001');
    await tools('tpm2_changeauth', '-c', 'owner', '-p', OWNER_AUTH, OWNER_AUTH);
  }, 180_000);

  test('a wrong owner auth keeps Parsec from starting: exit 2 with its log, and the value is never shown', async () => {
    const out = join(dir, 'out-wrong');
    const run = await runCli(['run', '--providers', 'tpm', '--tcti', tpm.tcti, '--suite', 'core/ping', '--out', out], {
      env: { PARSEC_CONFORMANCE_TPM_OWNER_AUTH: 'not-the-owner-auth' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('authorization failure');
    expect(run.stderr).not.toContain('not-the-owner-auth');
    expect(resultsOf(out)?.cases).toEqual([expect.objectContaining({ id: 'harness/target/starts', status: 'failed' })]);
  }, 60_000);

  test('an owner auth variable that is not set is named, before anything starts', async () => {
    const run = await runCli([
      'run',
      '--providers',
      'tpm',
      '--tcti',
      tpm.tcti,
      '--tpm-owner-auth-env',
      'NOT_SET_ANYWHERE',
      '--suite',
      'core/ping',
      '--out',
      join(dir, 'o3'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('environment variable NOT_SET_ANYWHERE, which is not set');
  });
});
