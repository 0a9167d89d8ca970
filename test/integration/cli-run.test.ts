import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUsing } from './processes';
import { runCli } from './run-cli';

function workDirOf(stderr: string): string {
  const dir = /(\/[^\s]*parsec-conformance-\d+-[A-Za-z0-9]+)/.exec(stderr)?.[1];
  if (!dir) throw new Error(`no run directory named in the CLI's progress output:\n${stderr}`);
  return dir;
}

describe('parsec-conformance run (real Parsec 1.4.1 with Mbed Crypto, PKCS#11 and TPM)', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-cli-out-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  test('runs the core suites, writes junit.xml and results.json, exits 0 and leaves nothing behind', async () => {
    const run = await runCli(['run', '--parsec', 'trixie', '--suite', 'core/*', '--out', out]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.target.parsecVersion).toBe('1.4.1');
    expect(results.target.kind).toBe('native');
    expect(results.target.providers.map((p: { id: number }) => p.id)).toEqual([1, 2, 3, 0]);
    const providers = new Set(results.cases.map((c: { provider: string }) => c.provider));
    expect(providers).toEqual(new Set(['core', 'mbed', 'pkcs11', 'tpm', 'harness']));
    // The run-level hygiene check: ListKeys at the end shows none of the run's keys.
    expect(results.cases).toContainEqual(
      expect.objectContaining({ id: 'harness/hygiene/no-keys-left-behind', status: 'passed' }),
    );
    expect(results.cases.filter((c: { status: string }) => c.status === 'failed')).toEqual([]);
    for (const c of results.cases) expect(c.id).toBe(`${c.provider}/${c.suite}/${c.id.split('/').slice(2).join('/')}`);

    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect((junit.match(/<testcase /g) ?? []).length).toBeGreaterThanOrEqual(12);
    expect(junit).toMatch(/classname="tpm\.list-opcodes"/);
    expect(readFileSync(join(out, 'parsec.log'), 'utf8')).toContain('Parsec is ready');

    const workDir = workDirOf(run.stderr);
    expect(existsSync(workDir)).toBe(false);
    expect(processesUsing(workDir)).toEqual([]);
  });

  test('a Parsec that cannot start gives exit 2, its log excerpt, and a failing report', async () => {
    const run = await runCli(['run', '--parsec-bin', '/bin/false', '--suite', 'core/ping', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('could not start');
    expect(run.stderr).toMatch(/exited with code 1 before answering Ping/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.cases).toEqual([expect.objectContaining({ id: 'harness/target/starts', status: 'failed' })]);
  });

  test('Ctrl-C during a run stops Parsec and swtpm and removes the run directory', async () => {
    let interrupted = false;
    const run = await runCli(['run', '--parsec', 'trixie', '--out', out], {
      onStderr: (stderr, pid) => {
        if (!interrupted && /Parsec [\d.]+ \([^)]*\) ready in \d+ ms/.test(stderr)) {
          interrupted = true;
          process.kill(-pid, 'SIGINT'); // the whole foreground group, as a terminal's Ctrl-C does
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(run.code === 130 || run.signal === 'SIGINT').toBe(true);
    const workDir = workDirOf(run.stderr);
    await new Promise((r) => setTimeout(r, 300)); // processes already signalled; give the kernel a moment to reap
    expect(processesUsing(workDir)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
  });

  test('a suite for one provider, in a run that does not ask for it, reports its cases skipped with the reason', async () => {
    const run = await runCli(['run', '--providers', 'mbed', '--suite', 'lifecycle/tpm-reset', '--out', out]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      cases: { provider: string; suite: string; status: string; message?: string }[];
    };
    const cases = results.cases.filter((c) => c.suite === 'tpm-reset');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c).toMatchObject({
        provider: 'tpm',
        status: 'skipped',
        message: 'provider tpm is not part of this run (it asks for mbed)',
      });
    }
  });

  test('bad input is refused with a message that says what is wrong and what is accepted', async () => {
    const run = await runCli(['run', '--providers', 'mbed,hsm', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown provider(s) 'hsm'; expected some of: mbed, pkcs11, tpm");
    const suite = await runCli(['run', '--suite', 'no-such-suite', '--out', out]);
    expect(suite.code).toBe(2);
    expect(suite.stderr).toContain('--suite no-such-suite matches no suite; available: ');
    expect(suite.stderr).toMatch(/available: .*\bcore\/ping\b/);
  });

  test('--version names the harness version, its commit and the protobuf contract; a bare command line exits 2', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim().slice(0, 12);
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toBe(
      `parsec-conformance ${pkg.version} (commit ${commit})\nprotobuf contract: parsec-interface 0.30.0 (wire 1.0)\n`,
    );
    expect((await runCli([])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});
