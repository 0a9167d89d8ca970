import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { isGroupAlive } from '../../../harness/lifecycle';

const projectRoot = join(__dirname, '..', '..', '..');

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

// A harness process that starts `sleep 100` through the watchdog, prints its process group and waits forever.
const harnessScript = `
  const { spawnWatched } = require('./harness/lifecycle');
  const p = spawnWatched('sleep', ['100']);
  process.stdout.write(String(p.pid) + '\\n');
  setInterval(() => {}, 1000);
`;

describe('watched spawn', () => {
  test('the child dies when its harness is SIGKILLed', async () => {
    const harness = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', harnessScript], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pgid = await new Promise<number>((resolve, reject) => {
      harness.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      harness.once('exit', (code) => reject(new Error(`harness exited early with code ${code}`)));
    });
    expect(await waitUntil(() => isGroupAlive(pgid), 2000)).toBe(true);

    harness.kill('SIGKILL');

    expect(await waitUntil(() => !isGroupAlive(pgid), 5000)).toBe(true);
  });

  test('stop() ends the group and reports the exit', async () => {
    const { spawnWatched } = await import('../../../harness/lifecycle');
    const p = spawnWatched('sleep', ['100']);
    expect(isGroupAlive(p.pid)).toBe(true);
    await p.stop();
    expect(isGroupAlive(p.pid)).toBe(false);
    await p.exited;
    expect(p.exitInfo()).toBeDefined();
  });

  test('the exit code is the command’s own', async () => {
    const { spawnWatched } = await import('../../../harness/lifecycle');
    const p = spawnWatched('/bin/sh', ['-c', 'exit 3']);
    expect(await p.exited).toEqual({ code: 3, signal: null });
    expect(await waitUntil(() => !isGroupAlive(p.pid), 3000)).toBe(true);
    await p.stop();
  });
});
