/** What one run of a client command gave: its exit status and both outputs. */
export interface ToolResult {
  readonly args: readonly string[];
  /** Exit status; -1 when the command was killed (timed out) or could not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** Set when the command got no end within its timeout (and was killed, or abandoned in its container). */
  readonly timedOutMs?: number;
}

/** A failed client command as an error that says which command, its status and the end of its output. */
export class ClientCommandError extends Error {
  constructor(
    readonly result: ToolResult,
    where: string,
  ) {
    super(
      `\`${['parsec-tool', ...result.args].join(' ')}\` (${where}) exited with status ${result.code}: ${tailOf(result.stderr || result.stdout)}`,
    );
  }
}

/** The last lines of an output, for a message. */
export function tailOf(text: string, lines = 6): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n') || '(no output)';
}
