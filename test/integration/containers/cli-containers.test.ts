import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsOf, runCli } from '../run-cli';
import { orphanedContainers, waitFor } from './docker-state';

const READY = /Parsec [\d.]+ \(containers, [^)]*\) ready in \d+ ms/;

function runDirsOf(pid: number): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`parsec-conformance-${pid}-`));
}

describe('parsec-conformance run --target containers', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-cli-containers-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  test('runs suites on the container target: the report names it with every backend and keeps each log', async () => {
    const run = await runCli([
      'run',
      '--target',
      'containers',
      '--suite',
      'core/ping',
      'auth/admin-clients',
      '--out',
      out,
    ]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    const results = resultsOf(out);
    expect(results?.target).toMatchObject({
      kind: 'containers',
      parsecVersion: '1.4.1',
      parsecSource: 'debian:trixie',
      backends: expect.objectContaining({ softhsm2: expect.stringMatching(/^2\.6\.1/), 'p11-kit': expect.any(String) }),
    });
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith('.log'))
        .sort(),
    ).toEqual(['parsec.log', 'softhsm2.log', 'swtpm.log']);
    // The suite's own target ran in containers too, and its logs were kept.
    expect(readdirSync(join(out, 'targets')).sort()).toEqual([
      'admin-clients.parsec.log',
      'admin-clients.softhsm2.log',
      'admin-clients.swtpm.log',
    ]);
    expect(results?.cases.filter((c) => c.suite === 'admin-clients' && c.status === 'passed').length).toBeGreaterThan(
      20,
    );
    expect(await orphanedContainers()).toEqual([]);
  }, 300_000);

  test('Ctrl-C during a run removes every container and the run directory', async () => {
    let interrupted = false;
    let pid = 0;
    const run = await runCli(['run', '--target', 'containers', '--out', out], {
      onStderr: (stderr, child) => {
        pid = child;
        if (!interrupted && READY.test(stderr)) {
          interrupted = true;
          process.kill(-child, 'SIGINT'); // the whole foreground group, as a terminal's Ctrl-C does
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(run.code === 130 || run.signal === 'SIGINT').toBe(true);
    expect(await waitFor(orphanedContainers, (l) => l.length === 0, 10_000)).toEqual([]);
    expect(runDirsOf(pid)).toEqual([]);
  }, 300_000);

  test('a harness killed with SIGKILL leaves no container: its watchdog removes them', async () => {
    let killed = false;
    const run = await runCli(['run', '--target', 'containers', '--suite', 'core/ping', '--out', out], {
      onStderr: (stderr, child) => {
        if (!killed && READY.test(stderr)) {
          killed = true;
          process.kill(-child, 'SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(await waitFor(orphanedContainers, (l) => l.length === 0, 20_000)).toEqual([]);
  }, 300_000);

  test('a run whose Parsec image cannot be found exits 2, says so, and leaves a failing report', async () => {
    const run = await runCli([
      'run',
      '--target',
      'containers',
      '--parsec',
      'image:parsec-conformance/no-such:image',
      '--suite',
      'core/ping',
      '--out',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('could not start');
    expect(run.stderr).toMatch(/no-such:image/);
    expect(resultsOf(out)?.cases).toEqual([expect.objectContaining({ id: 'harness/target/starts', status: 'failed' })]);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
    expect(await orphanedContainers()).toEqual([]);
  }, 120_000);
});
