import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findProjectRoot } from './project-root';
import { outputTail, runCommand } from './run-command';
import { SetupError } from './setup-error';

/** One call of the system compiler: what it builds (for the error) and its arguments. */
export interface CompileStep {
  readonly what: string;
  readonly args: readonly string[];
}

export interface CompiledOnceOptions<K extends string> {
  /** The folder under `.cache/`. */
  readonly cacheName: string;
  /** The sources, relative to the project's `containers/`: their content names the build. */
  readonly sources: readonly string[];
  /** Each program's file name in the build's folder. */
  readonly outputs: Readonly<Record<K, string>>;
  /** Installs what the compiler needs; called only when something must be built. */
  readonly prepare: () => Promise<void>;
  /** The compiler calls, given a source's path and a path in the staging folder. */
  readonly steps: (source: (file: string) => string, output: (file: string) => string) => readonly CompileStep[];
  readonly log: (line: string) => void;
  /** What was built, for the log line. */
  readonly describe: string;
}

/**
 * Programs of the harness's own, compiled on this machine with the system compiler once per source content into
 * `.cache/<cacheName>/<hash>/`. They are built in a staging folder that is renamed into place, so a build folder that
 * exists is complete. Returns each program's path.
 */
export async function compiledOnce<K extends string>(o: CompiledOnceOptions<K>): Promise<Record<K, string>> {
  const root = findProjectRoot();
  const source = (file: string) => join(root, 'containers', file);
  const hash = createHash('sha256');
  for (const f of o.sources)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(source(f)))
      .update('\0');
  const dir = join(root, '.cache', o.cacheName, hash.digest('hex').slice(0, 16));
  const paths = Object.fromEntries(Object.entries(o.outputs).map(([k, f]) => [k, join(dir, f as string)])) as Record<
    K,
    string
  >;
  if (Object.values<string>(paths).every((p) => existsSync(p))) return paths;

  await o.prepare();
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const step of o.steps(source, (file) => join(staging, file))) {
      const r = await runCommand('cc', step.args);
      if (r.code !== 0) {
        throw new SetupError(`compiling ${step.what} with cc failed (exit ${r.code})`, outputTail(r.output, 30));
      }
    }
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  o.log(`compiled ${o.describe} into ${dir}`);
  return paths;
}
