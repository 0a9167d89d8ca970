import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerClient, imageBase, parsecToolImage } from '../../../harness/setup';
import { PID_LABEL } from '../../../harness/targets/containers';
import { resultsOf, runCli } from '../run-cli';

/** Containers of the harness's that are still there with the parsec-tool or client role. */
async function clientContainers(): Promise<string[]> {
  const list = await dockerClient().listContainers({ all: true, filters: { label: [PID_LABEL] } });
  return list
    .filter((c) => ['parsec-tool', 'client'].includes(c.Labels['org.parsec-conformance.role'] ?? ''))
    .map((c) => c.Id);
}

describe("interop with Parsec's own client (parsec-tool)", () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-interop-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  test('the interop suite runs natively on Mbed Crypto, every case passes, and the report names parsec-tool', async () => {
    const run = await runCli(['run', '--providers', 'mbed', '--suite', 'interop/parsec-tool', '--out', out]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    const results = resultsOf(out);
    expect(results?.target).toMatchObject({
      backends: expect.objectContaining({ 'parsec-tool': expect.stringMatching(/^0\.7\.0/) }),
    });
    const cases = results?.cases.filter((c) => c.suite === 'parsec-tool') ?? [];
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.message}`)).toEqual([]);
  });

  test('a client image runs against the service: its exit status is a case, its output is kept, nothing is left', async () => {
    const image = (await parsecToolImage(await imageBase(undefined, () => undefined), 'trixie', () => undefined)).tag;
    const common = ['run', '--providers', 'mbed', '--suite', 'core/ping', '--client-image', image];
    const ok = await runCli([
      ...common,
      '--client-cmd',
      'parsec-tool ping',
      '--client-expect',
      '^1\\.0$',
      '--out',
      out,
    ]);
    expect({ code: ok.code, tail: ok.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    const passed = resultsOf(out)?.cases.filter((c) => c.provider === 'client');
    expect(passed?.map((c) => [c.id, c.status])).toEqual([
      ['client/parsec-tool-trixie/exit-status', 'passed'],
      ['client/parsec-tool-trixie/output-matches', 'passed'],
    ]);
    expect(readFileSync(join(out, 'client', 'parsec-tool-trixie.log'), 'utf8')).toMatch(
      /# exit status: 0\n[\s\S]*^1\.0$/m,
    );

    const bad = await runCli([...common, '--client-cmd', 'parsec-tool -p 1 delete-key -k no-such-key', '--out', out]);
    expect(bad.code).toBe(1);
    const failed = resultsOf(out)?.cases.find((c) => c.id === 'client/parsec-tool-trixie/exit-status');
    expect(failed?.status).toBe('failed');
    expect(failed?.message).toMatch(/exited with status 1[\s\S]*PsaErrorDoesNotExist/);
    expect(existsSync(join(out, 'client', 'parsec-tool-trixie.log'))).toBe(true);
    expect(await clientContainers()).toEqual([]);
  });

  test('--client-cmd without --client-image is a usage error (exit 2)', async () => {
    const run = await runCli(['run', '--client-cmd', 'true', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--client-cmd and --client-expect need --client-image IMAGE/);
  });
});
