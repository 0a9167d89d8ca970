import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareOutDir } from '../../../harness/run/out-dir';
import { UsageError } from '../../../harness/run/run-spec';

describe('prepareOutDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-out-dir-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a missing folder level by level and leaves no probe file in it', () => {
    const out = join(dir, 'a', 'b', 'c');
    expect(prepareOutDir(out)).toBe(out);
    expect(statSync(out).isDirectory()).toBe(true);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses /proc and /sys at once instead of looping (UsageError: exit 2)', () => {
    const t0 = Date.now();
    expect(() => prepareOutDir('/proc/x')).toThrow(
      new UsageError(
        '--out /proc/x: /proc is on proc, a kernel file system that cannot hold reports; give a folder that can hold the reports',
      ),
    );
    expect(() => prepareOutDir('/sys/x/y')).toThrow('/sys is on sysfs, a kernel file system');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('refuses a file and a path below a file, creating nothing', () => {
    const file = join(dir, 'f');
    writeFileSync(file, '');
    expect(() => prepareOutDir(file)).toThrow(`--out ${file}: it exists and is not a folder`);
    expect(() => prepareOutDir(join(file, 'x', 'y'), '--out')).toThrow(`${file} is a file, not a folder`);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
