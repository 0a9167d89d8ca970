import { availableParallelism } from 'node:os';

/** One client per core, plus one (the default; Parsec's own stress test uses one per core). */
export function defaultClients(): number {
  return availableParallelism() + 1;
}
