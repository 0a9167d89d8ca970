import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xmllintValidate } from '../../fixtures/junit/xmllint';
import { runCli } from '../run-cli';

describe('junit.xml of a run that cannot start', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-junit-start-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  test('a Parsec that exits at once: exit 2 and a valid junit.xml holding the start-up failure as a failed case', async () => {
    // /bin/false exits 1 before answering Ping; with Mbed Crypto alone no SoftHSM2 token or swtpm is made first.
    const run = await runCli([
      'run',
      '--parsec-bin',
      '/bin/false',
      '--providers',
      'mbed',
      '--suite',
      'core/ping',
      '--out',
      out,
    ]);
    expect({ code: run.code, tail: run.stderr.slice(-2000) }).toMatchObject({ code: 2 });

    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(xmllintValidate(xml)).toEqual({ code: 0, output: '- validates' });
    expect(xml).toMatch(/<testsuites name="parsec-conformance" tests="1" failures="1" errors="0" skipped="0" /);
    expect(xml).toContain('<testcase classname="harness.target" name="the target starts and answers Ping"');
    expect(xml).toContain('<property name="id" value="harness/target/starts"/>');
    expect(xml).toMatch(/<failure message="[^"]*Parsec exited with code 1 before answering Ping" type="failed">/);
    // The suite carries what was asked for, so a CI view shows which Parsec failed to start.
    expect(xml).toContain('<property name="parsec.source" value="binary:/bin/false"/>');
    expect(xml).toContain('<property name="target.kind" value="native"/>');
  });

  test.each([
    [['run', '--no-such-option'], "unknown option '--no-such-option'"],
    [['run', '--workers', '0'], "--workers must be a whole number from 1 to 32, got '0'"],
    [['run', '--parsec', 'bookworm'], '--parsec bookworm is not a Parsec source'],
  ])('a bad command line (%j) exits 2 and says what is wrong', async (args, said) => {
    const run = await runCli([...args, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(said);
  });
});
