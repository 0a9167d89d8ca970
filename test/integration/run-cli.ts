import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'parsec-conformance.cjs');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with the whole stderr so far at each chunk; may act on progress lines (e.g. send Ctrl-C). */
  readonly onStderr?: (text: string, pid: number) => void;
  /** Called once the CLI's process exists, before it has printed anything. */
  readonly onStart?: (pid: number) => void;
}

/** Runs the real CLI as a user would, in its own process group (so a test can Ctrl-C the whole group). */
export function runCli(args: string[], o: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) o.onStart?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      o.onStderr?.(stderr, child.pid as number);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

export interface ReportedCase {
  readonly id: string;
  readonly provider: string;
  readonly suite: string;
  readonly status: string;
  readonly message: string;
}

/** results.json of a run, or undefined when there is none. */
export function resultsOf(out: string): { target: Record<string, unknown>; cases: ReportedCase[] } | undefined {
  try {
    return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  } catch {
    return undefined;
  }
}
