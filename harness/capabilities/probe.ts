import type { CheckType, KeyAttributes } from '../wire';

/** One CanDoCrypto question asked of every provider once per run. */
export interface Probe {
  readonly checkType: CheckType;
  readonly attributes: KeyAttributes;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        // A usage flag left out and one set to false mean the same thing.
        .filter(([, v]) => v !== undefined && v !== false)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** A stable key for a probe: the same question written two ways gives the same key. */
export function probeKey(probe: Probe): string {
  return `${probe.checkType}:${JSON.stringify(canonical(probe.attributes))}`;
}
