import { readFileSync } from 'node:fs';

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
