import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPidAlive } from './process-group';
import { stoppingReason } from './cleanup-registry';

export const RUN_DIR_PREFIX = 'parsec-conformance-';
const RUN_DIR_PATTERN = /^parsec-conformance-(\d+)-(?:[a-z]+-)?[0-9a-zA-Z]+$/;

/**
 * Creates `<parent>/parsec-conformance-<pid>-[<kind>-]<random>` (mode 0700): every temporary folder of the harness
 * (a run dir, the run's metadata, a probe, an image build context) is named so, and the pid lets a later run sweep
 * it when this process was killed before it could clean up.
 */
export function createRunDir(parent: string = tmpdir(), kind?: string): string {
  if (kind !== undefined && !/^[a-z]+$/.test(kind))
    throw new Error(`run dir kind '${kind}' must be lower-case letters`);
  const stopping = stoppingReason();
  if (stopping !== undefined) throw new Error(stopping);
  // mkdtemp appends six random characters and creates the directory with mode 0700.
  return mkdtempSync(join(parent, `${RUN_DIR_PREFIX}${process.pid}-${kind ? `${kind}-` : ''}`));
}

/** The pid encoded in a run dir's name, or undefined for names that are not run dirs. */
export function runDirOwnerPid(name: string): number | undefined {
  const match = RUN_DIR_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface SweepOptions {
  readonly parent?: string;
  readonly log?: (line: string) => void;
  /** Injectable for tests. */
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * Removes run dirs left by harness processes that no longer exist (killed with SIGKILL, so their exit handlers never
 * ran). Their children were already ended by the watchdog; only files remain. Returns the removed paths.
 */
export function sweepStaleRunDirs(opts: SweepOptions = {}): string[] {
  const parent = opts.parent ?? tmpdir();
  const isAlive = opts.isAlive ?? isPidAlive;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = runDirOwnerPid(name);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    const path = join(parent, name);
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Another user's directory or a concurrent sweep; not ours to insist on.
    }
  }
  if (removed.length > 0) {
    opts.log?.(`removed ${removed.length} stale run dir(s) of dead harness processes: ${removed.join(', ')}`);
  }
  return removed;
}
