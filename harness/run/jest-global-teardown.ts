import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { runOptionsFromEnv } from './options';
import { progress, runState } from './run-state';

/** Stops the run's target (keeping its logs next to the reports) and removes the run's metadata. */
export default async function globalTeardown(): Promise<void> {
  const state = runState();
  const outDir = resolve(runOptionsFromEnv().outDir);
  if (state.target) {
    const logs = state.target.logs().map((l) => `${l.name}.log`);
    await state.target.stop({ keepLogsIn: outDir });
    if (logs.length > 0) progress(`Parsec stopped; its logs (${logs.join(', ')}) are in ${outDir}`);
    state.target = undefined;
  }
  if (state.metaDir) {
    rmSync(state.metaDir, { recursive: true, force: true });
    state.unregisterMeta?.();
    state.metaDir = undefined;
  }
}
