import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../run-cli';

/** `--out` that cannot take reports ends the run at once (exit 2) with a message that names the folder and why. */
describe('run --out on a folder that cannot hold reports', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-bad-out-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs with this --out; the run must not get as far as starting anything. */
  async function refused(out: string): Promise<string> {
    const t0 = Date.now();
    const run = await runCli(['run', '--suite', 'core/ping', '--providers', 'mbed', '--out', out]);
    const ms = Date.now() - t0;
    expect({ code: run.code, ms: ms < 20_000 }).toEqual({ code: 2, ms: true });
    expect(run.stderr).not.toContain('Parsec');
    return run.stderr;
  }

  test('under /proc (it used to spin at 100 % CPU for ever)', async () => {
    expect(await refused('/proc/x')).toContain(
      '--out /proc/x: /proc is on proc, a kernel file system that cannot hold reports',
    );
    expect(await refused('/proc/self/x/y')).toContain('is on proc, a kernel file system');
  });

  test('under /sys', async () => {
    expect(await refused('/sys/x')).toContain('--out /sys/x: /sys is on sysfs, a kernel file system');
  });

  test('an existing regular file, and a path below one', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    expect(await refused(file)).toContain(`--out ${file}: it exists and is not a folder`);
    expect(await refused(join(file, 'reports'))).toContain(`${file} is a file, not a folder`);
  });

  test('a read-only folder (checked by writing: root ignores mode bits)', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const root = process.getuid?.() === 0;
    // As root only a read-only mount is read-only: a small tmpfs, mounted for the test.
    if (root) execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]);
    else chmodSync(ro, 0o555);
    try {
      expect(await refused(ro)).toMatch(/cannot write into it \((EROFS|EACCES)/);
      expect(await refused(join(ro, 'reports'))).toMatch(/cannot create .*reports \((EROFS|EACCES)/);
      expect(existsSync(join(ro, 'reports'))).toBe(false);
    } finally {
      if (root) execFileSync('umount', [ro]);
      else chmodSync(ro, 0o755);
    }
  });

  test('a folder that can be made is made, level by level, and used (the check refuses only what cannot work)', async () => {
    const good = join(dir, 'new', 'reports');
    const run = await runCli(['run', '--suite', 'core/ping', '--providers', 'mbed', '--out', good]);
    expect({ code: run.code, tail: run.stderr.slice(-1000) }).toMatchObject({ code: 0 });
    expect(existsSync(join(good, 'results.json'))).toBe(true);
  });
});

/** The other commands that write files take the same check, before they read, start or touch anything. */
describe('--out of soak, merge, diff and probe-token', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-bad-out-cmds-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('soak and merge refuse a folder under /proc at once, before a target starts or an input is read', async () => {
    const soak = await runCli(['soak', '--duration', '5s', '--providers', 'mbed', '--out', '/proc/x']);
    expect({ code: soak.code, stderr: soak.stderr }).toMatchObject({ code: 2 });
    expect(soak.stderr).toContain('--out /proc/x: /proc is on proc, a kernel file system that cannot hold reports');
    expect(soak.stderr).not.toContain('Parsec');
    // The inputs do not exist: the folder is refused first.
    const merge = await runCli(['merge', join(dir, 'a'), join(dir, 'b'), '--out', '/sys/x']);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toContain('--out /sys/x: /sys is on sysfs, a kernel file system');
  });

  test('diff and probe-token refuse a folder given as the file to write, and a file below a file', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const diff = await runCli(['diff', join(dir, 'a'), join(dir, 'b'), '--out', dir]);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain(`--out ${dir}: it is a folder; give the path of a file to write`);
    const probe = await runCli([
      ...['probe-token', '--module', '/usr/lib/softhsm/libsofthsm2.so'],
      ...['--out', join(file, 'profile.json')],
    ]);
    expect(probe.code).toBe(2);
    expect(probe.stderr).toContain(
      `--out ${join(file, 'profile.json')}: its folder ${file}: it exists and is not a folder`,
    );
    expect(probe.stderr).not.toContain('[probe-token] reading');
  });
});
