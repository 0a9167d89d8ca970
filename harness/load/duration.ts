const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** '30s', '10m', '1h', '1h30m', '1500ms' → milliseconds; the error names what it accepts. */
export function parseDuration(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const joined = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || joined !== text.trim()) {
    throw new Error(`'${text}' is not a duration: write it like 30s, 10m, 1h or 1h30m`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number), 0);
  if (!(ms > 0)) throw new Error(`a duration must be longer than zero, got '${text}'`);
  return Math.round(ms);
}
