import { mkdirSync, rmdirSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './run-spec';

/**
 * Kernel file systems that can never hold reports (statfs f_type). /proc is the one that matters most: Node's
 * recursive mkdir takes ENOENT as "the parent is missing", creates the parent (/proc: EEXIST, fine) and tries again,
 * and /proc answers ENOENT to every new name for ever: `mkdirSync('/proc/x', { recursive: true })` spins at 100 % CPU.
 */
const KERNEL_FILE_SYSTEMS: Readonly<Record<number, string>> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0x1cd1: 'devpts',
  0xcafe4a11: 'bpf',
};

/** What `path` is, or undefined when nothing is there. */
function kindOf(path: string): 'folder' | 'other' | undefined {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch {
    return undefined;
  }
}

const errno = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String(e);
};

/**
 * Makes sure the report folder exists and takes files, before anything starts: a path under /proc or /sys, an
 * existing file, a parent that is a file, a folder nobody may write (a read-only mount: checked by writing, since
 * root ignores mode bits) each end the command at once with a UsageError (exit 2) that says which and why.
 * Returns the absolute path.
 */
export function prepareOutDir(dir: string, option = '--out'): string {
  const path = resolve(dir);
  const bad = (why: string) => new UsageError(`${option} ${dir}: ${why}; give a folder that can hold the reports`);
  // The deepest part of the path that exists decides what can be made below it.
  let existing = path;
  while (kindOf(existing) === undefined && dirname(existing) !== existing) existing = dirname(existing);
  const kind = kindOf(existing);
  if (kind === 'other') {
    throw bad(existing === path ? 'it exists and is not a folder' : `${existing} is a file, not a folder`);
  }
  try {
    const fs = KERNEL_FILE_SYSTEMS[Number(statfsSync(existing).type)];
    if (fs !== undefined) throw bad(`${existing} is on ${fs}, a kernel file system that cannot hold reports`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw bad(`cannot inspect ${existing} (${errno(e)})`);
  }
  // One level at a time, never recursive mkdir (see above); what was made is removed again if the folder is unusable.
  const missing: string[] = [];
  for (let p = path; p !== existing; p = dirname(p)) missing.unshift(p);
  const made: string[] = [];
  const undo = () => {
    for (const p of made.reverse()) {
      try {
        rmdirSync(p);
      } catch {
        // Left for the user: it is empty and named in the message.
      }
    }
  };
  try {
    for (const p of missing) {
      mkdirSync(p);
      made.push(p);
    }
  } catch (e) {
    undo();
    throw bad(`cannot create ${missing[made.length] ?? path} (${errno(e)})`);
  }
  const probe = join(path, `.parsec-conformance-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    undo();
    throw bad(`cannot write into it (${errno(e)})`);
  }
  return path;
}

/**
 * The same check for an output file (`probe-token --out`, `diff --out`): its folder must hold files (made if missing),
 * and the path must not be a folder. Returns the absolute path.
 */
export function prepareOutFile(file: string, option = '--out'): string {
  const path = resolve(file);
  if (kindOf(path) === 'folder') {
    throw new UsageError(`${option} ${file}: it is a folder; give the path of a file to write`);
  }
  prepareOutDir(dirname(path), `${option} ${file}: its folder`);
  return path;
}
