import { readFileSync } from 'node:fs';
import { ParsecClient } from '../wire';

/** A short read timeout: a healthy service answers Ping in milliseconds, a hung one should fail fast. */
const LIVENESS_TIMEOUT_MS = 5000;
const TAIL_LINES = 25;

/** Where the last lines of the service's log come from, for a failure message. */
export type LogSource = () => string;

/**
 * The last lines of a log text. Lines that mention a PIN are withheld: the harness does not know the token's
 * secrets here, so it does not print anything that could carry one.
 */
export function tailForMessage(text: string, lines = TAIL_LINES): string {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all
    .slice(-lines)
    .map((l) => (/pin/i.test(l) ? '<line withheld: it mentions a PIN>' : l))
    .join('\n');
}

/** The tail of a log file the target named (the run context's serviceLog), or a note saying why there is none. */
export function logFileTail(path: string | undefined, lines = TAIL_LINES): string {
  if (path === undefined) return '(the harness has no access to the log of this service)';
  try {
    return tailForMessage(readFileSync(path, 'utf8'), lines);
  } catch (e) {
    return `(no service log at ${path}: ${(e as Error).message})`;
  }
}

/**
 * Asserts that the service still answers Ping 1.0 after `after` (a malformed request, say). A crash or a hang
 * fails with a message that carries the tail of the service log.
 */
export async function expectServiceAlive(socketPath: string, after: string, log: LogSource): Promise<void> {
  const probe = new ParsecClient({ socketPath, auth: 'none', readTimeoutMs: LIVENESS_TIMEOUT_MS });
  let problem: string | undefined;
  try {
    const answer = await probe.ping();
    if (answer.wireProtocolVersionMaj !== 1 || answer.wireProtocolVersionMin !== 0) {
      problem = `Ping answered version ${answer.wireProtocolVersionMaj}.${answer.wireProtocolVersionMin}, expected 1.0`;
    }
  } catch (e) {
    problem = (e as Error).message;
  }
  if (problem !== undefined) {
    throw new Error(
      `the service did not answer Ping after ${after}: ${problem}\n--- tail of the service log ---\n${log()}`,
    );
  }
}
