import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Typed into the command's standard input, as on a terminal: the input stays open until the command exits, so a
   * program that reads line by line (or `script` relaying to one) never sees an end of input first, which `script`
   * answers with a quarter-second wait.
   */
  readonly typed?: string;
  /** Called with each complete output line (stdout and stderr interleaved). */
  readonly onLine?: (line: string) => void;
  /**
   * Run in a process group of its own, out of reach of the terminal's Ctrl-C, and let it finish: for a short tool
   * that starts a child of its own and must stay to reap it. util-linux `script` ends at once on SIGINT and leaves
   * the program on its pseudo-terminal to whoever PID 1 is, which in a container may never reap it (a zombie). The
   * harness waits for its children before it exits on a signal, so the tool is reaped too.
   */
  readonly ownGroup?: boolean;
}

/** Runs a short-lived tool to completion, collecting stdout and stderr together; never throws on a non-zero exit. */
export function runCommand(command: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.typed === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: opts.ownGroup === true,
    });
    if (opts.typed !== undefined) child.stdin?.write(opts.typed);
    const chunks: Buffer[] = [];
    let partial = '';
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (!opts.onLine) return;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) opts.onLine(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', () => child.stdin?.destroy());
    child.once('close', (code) => {
      if (partial && opts.onLine) opts.onLine(partial);
      resolve({ code, output: Buffer.concat(chunks).toString() });
    });
  });
}

/** The last `lines` non-empty lines of a tool's output, for error details. */
export function outputTail(output: string, lines = 15): string {
  return output
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .slice(-lines)
    .join('\n');
}
