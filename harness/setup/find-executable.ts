import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Non-root PATHs often lack the sbin directories, where some Debian tools live.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `name` on PATH (plus the sbin dirs), or undefined. */
export function findExecutable(name: string, pathVar: string = process.env.PATH ?? ''): string | undefined {
  const dirs = [...pathVar.split(delimiter).filter((d) => d.length > 0), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Path of a shared library in the system's multiarch (or plain) library directories, or undefined. */
export function findSystemLibrary(soname: string): string | undefined {
  let dirs: string[] = ['/usr/lib'];
  try {
    dirs = [
      ...readdirSync('/usr/lib')
        .filter((d) => /-linux-gnu/.test(d))
        .map((d) => join('/usr/lib', d)),
      '/usr/lib',
      '/lib',
    ];
  } catch {
    // No /usr/lib at all: the probe below simply finds nothing.
  }
  for (const dir of dirs) {
    const candidate = join(dir, soname);
    try {
      statSync(candidate);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}
