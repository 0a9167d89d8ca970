import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runOptionsFromEnv } from './options';
import { progress, runState } from './run-state';

/** Stops the target (keeping its log next to the reports) and removes the run's metadata. */
export default async function globalTeardown(): Promise<void> {
  const state = runState();
  const outDir = resolve(runOptionsFromEnv().outDir);
  if (state.target) {
    if (state.target.kind === 'native') {
      await state.target.stop({ keepLogAt: join(outDir, 'parsec.log') });
      progress(`Parsec stopped; its log is in ${join(outDir, 'parsec.log')}`);
    } else {
      await state.target.stop();
    }
    state.target = undefined;
  }
  if (state.metaDir) {
    rmSync(state.metaDir, { recursive: true, force: true });
    state.unregisterMeta?.();
    state.metaDir = undefined;
  }
}
