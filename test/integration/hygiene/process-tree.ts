import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc describes it. */
export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** R, S, D, Z, T, … */
  readonly state: string;
  readonly comm: string;
  readonly cmdline: string;
}

/** Every process on the machine, read from /proc (the ones that end while we look are left out). */
export function processTable(): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        // A zombie has none.
      }
      all.push({
        pid: Number(name),
        state: fields[0] ?? '?',
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        comm,
        cmdline,
      });
    } catch {
      continue;
    }
  }
  return all;
}

/** `root` and every process below it. */
export function treeOf(root: number, table = processTable()): ProcInfo[] {
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return table.filter((p) => inTree.has(p.pid));
}

/** Zombies whose parent is `root` or below it: children someone in that tree started and has not waited for. */
export function zombiesUnder(root: number, table = processTable()): ProcInfo[] {
  const tree = new Set(treeOf(root, table).map((p) => p.pid));
  return table.filter((p) => p.state === 'Z' && tree.has(p.ppid));
}

/** A zombie older than this under a live parent was not going to be reaped. */
const LASTING_MS = 3000;

export const describeProc = (p: ProcInfo): string => `${p.pid} (parent ${p.ppid}, ${p.state}) ${p.comm}: ${p.cmdline}`;

/**
 * Watches the tree under `root` while it runs (every `everyMs`): remembers every process ever seen in it, and the
 * zombies that stayed zombies for LASTING_MS (a child ends and its parent reaps it a moment later, or once a
 * synchronous wait of its own is over, as at Ctrl-C: only a lasting zombie was never waited for).
 */
export class TreeWatch {
  readonly seen = new Map<number, ProcInfo>();
  readonly lastingZombies = new Map<number, ProcInfo>();
  #zombieSince = new Map<number, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    everyMs = 200,
  ) {
    this.#timer = setInterval(() => this.look(), everyMs);
  }

  look(): void {
    const table = processTable();
    for (const p of treeOf(this.root, table)) if (p.pid !== this.root && !this.seen.has(p.pid)) this.seen.set(p.pid, p);
    const zombies = zombiesUnder(this.root, table);
    const now = Date.now();
    const since = new Map<number, number>();
    for (const z of zombies) {
      const first = this.#zombieSince.get(z.pid) ?? now;
      since.set(z.pid, first);
      if (now - first >= LASTING_MS) this.lastingZombies.set(z.pid, z);
    }
    this.#zombieSince = since;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * Processes seen in the tree that are now zombies left to init (parent 1): their parent ended without waiting for
   * them. Checked right after the root ended, before init gets round to collecting them.
   */
  orphanedZombies(table = processTable()): ProcInfo[] {
    return table.filter((p) => p.state === 'Z' && p.ppid === 1 && this.seen.get(p.pid)?.comm === p.comm);
  }
}
