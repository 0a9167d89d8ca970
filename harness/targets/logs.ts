import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A log a target writes on this machine while it runs: Parsec's own, or a backend's (name: 'parsec', 'swtpm'…). */
export interface TargetLog {
  readonly name: string;
  readonly path: string;
}

/** Replaces every secret occurrence; secrets shorter than 4 characters are ignored (they would mangle the text). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

export function tailLines(text: string, lines: number): string {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all.slice(-lines).join('\n');
}

/** Last `lines` lines of a log file, redacted; empty when the file is missing. */
export function tailFile(path: string, lines: number, secrets: readonly string[] = []): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  return redact(tailLines(text, lines), secrets);
}

/**
 * Copies each log, redacted, to `<dir>/<prefix><name>.log` (a log that was never written is skipped). Returns the
 * files written.
 */
export function keepLogs(
  logs: readonly TargetLog[],
  dir: string,
  prefix: string,
  secrets: readonly string[],
): string[] {
  const written: string[] = [];
  for (const log of logs) {
    let text: string;
    try {
      text = readFileSync(log.path, 'utf8');
    } catch {
      continue;
    }
    const to = `${dir}/${prefix}${log.name}.log`;
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, redact(text, secrets));
    written.push(to);
  }
  return written;
}
