import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsOf, runCli } from './run-cli';

/**
 * Debian's builds of Parsec leave the Direct authenticator out, so its isolation cases skip there. Built from
 * Debian's crate sources with that feature (`--parsec build:trixie+direct-authenticator`), the same cases execute,
 * natively (the trixie build runs on this machine through its own loader) and in the Parsec container.
 */
describe.each(['native', 'containers'] as const)('a source build with the Direct authenticator, %s', (target) => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), `pc-build-${target}-`));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('runs the Direct isolation cases instead of skipping them, and reports its features', async () => {
    // The first build compiles Parsec (a few minutes); it is cached by content after that.
    const run = await runCli([
      'run',
      '--target',
      target,
      '--parsec',
      'build:trixie+direct-authenticator',
      '--suite',
      'auth/direct-isolation',
      '--out',
      out,
    ]);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    const results = resultsOf(out);
    expect(results?.target).toMatchObject({
      kind: target,
      parsecVersion: '1.4.1',
      parsecSource: 'build:trixie+direct-authenticator',
      features: expect.arrayContaining(['direct-authenticator', 'unix-peer-credentials-authenticator']),
    });
    const isolation = results?.cases.filter((c) => c.suite === 'direct-isolation') ?? [];
    expect(isolation.length).toBeGreaterThanOrEqual(24);
    expect(isolation.filter((c) => c.status !== 'passed')).toEqual([]);
  }, 1_200_000);
});
