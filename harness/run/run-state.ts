import type { StartedTarget } from '../targets';

/** What globalSetup hands to globalTeardown; Jest runs both in the same process and shares `globalThis`. */
export interface RunState {
  target?: StartedTarget;
  metaDir?: string;
  contextPath?: string;
  unregisterMeta?: () => void;
}

const KEY = '__parsecConformanceRunState';

export function runState(): RunState {
  const g = globalThis as unknown as Record<string, RunState | undefined>;
  g[KEY] ??= {};
  return g[KEY] as RunState;
}

export function progress(line: string): void {
  process.stderr.write(`[parsec-conformance] ${line}\n`);
}
