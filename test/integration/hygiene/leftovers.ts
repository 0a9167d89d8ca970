import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUsing } from '../processes';
import { describeProc, processTable, zombiesUnder, type TreeWatch } from './process-tree';

/**
 * What a finished (or interrupted) CLI left behind, from what was seen of its process tree while it ran: temp folders
 * named after any of its processes (parsec-conformance-<pid>-…), live processes using them, processes of the tree
 * still alive, zombies it never reaped, zombies it left to init, and zombies under this test's own process.
 */
export function leftoversOf(cliPid: number, watch: TreeWatch): Record<string, string[]> {
  const table = processTable();
  const pids = new Set([cliPid, ...watch.seen.keys()]);
  const prefixes = [...pids].map((p) => `parsec-conformance-${p}-`);
  const tempDirs = readdirSync(tmpdir())
    .filter((n) => prefixes.some((p) => n.startsWith(p)))
    .map((n) => join(tmpdir(), n));
  const alive = table.filter((p) => p.state !== 'Z' && watch.seen.get(p.pid)?.comm === p.comm);
  return {
    tempDirs,
    processesUsingThem: prefixes.flatMap((p) => processesUsing(p)),
    stillAlive: alive.map(describeProc),
    neverReaped: [...watch.lastingZombies.values()].map(describeProc),
    leftToInit: watch.orphanedZombies(table).map(describeProc),
    zombiesUnderThisTest: zombiesUnder(process.pid, table).map(describeProc),
  };
}

export const NOTHING_LEFT = {
  tempDirs: [],
  processesUsingThem: [],
  stillAlive: [],
  neverReaped: [],
  leftToInit: [],
  zombiesUnderThisTest: [],
};
