import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGroupAlive } from '../../../harness/lifecycle';

const projectRoot = join(__dirname, '..', '..', '..');

const harnessScript = `
  const { mkdirSync, rmSync } = require('node:fs');
  const { registerCleanup, spawnWatched } = require('./harness/lifecycle');
  const dir = process.argv[1];
  mkdirSync(dir + '/run');
  registerCleanup(() => rmSync(dir + '/run', { recursive: true, force: true }));
  const p = spawnWatched('sleep', ['100']);
  process.stdout.write(String(p.pid) + '\\n');
  setInterval(() => {}, 1000);
`;

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
  ['SIGHUP', 129],
] as const)('on %s', (signal, expectedCode) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signals-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test(`cleanups run, children die, exit code ${expectedCode}`, async () => {
    const harness = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', harnessScript, dir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pgid = await new Promise<number>((resolve) =>
      harness.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    expect(existsSync(join(dir, 'run'))).toBe(true);
    const exited = new Promise<number | null>((resolve) => harness.once('exit', (code) => resolve(code)));

    harness.kill(signal);

    expect(await exited).toBe(expectedCode);
    expect(existsSync(join(dir, 'run'))).toBe(false);
    expect(isGroupAlive(pgid)).toBe(false);
  });
});
