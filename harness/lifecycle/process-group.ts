import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
}

/**
 * Every process that is still running (zombies, ended but not yet reaped, and dead ones left out), from /proc; undefined
 * when /proc cannot be read.
 */
function liveProcesses(): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const live: ProcStat[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // The command name may contain spaces and parentheses; the fields we want follow the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      live.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      continue;
    }
  }
  return live;
}

/**
 * Whether any non-zombie process still belongs to process group `pgid`. `kill(-pgid, 0)` is not enough: a zombie
 * still counts as a member, and in a container PID 1 may never reap orphans, so we read /proc instead.
 */
export function isGroupAlive(pgid: number): boolean {
  const live = liveProcesses();
  return live ? live.some((p) => p.pgid === pgid) : signalGroup(pgid, 0);
}

/** Children of `pid` that are still running (zombies, ended but not yet reaped, are not counted). */
export function liveChildrenOf(pid: number): number[] {
  return (liveProcesses() ?? []).filter((p) => p.ppid === pid).map((p) => p.pid);
}

/** Live members of group `pgid` other than its leader (the watchdog shell of harness/lifecycle/watched-spawn.ts). */
function membersBesidesLeader(pgid: number): number[] {
  return (liveProcesses() ?? []).filter((p) => p.pgid === pgid && p.pid !== pgid).map((p) => p.pid);
}

/**
 * The last resort, in an order that leaves no zombie: KILL the members but the leader, whose shell then reaps them
 * and exits (its parent, the harness, reaps it); KILL the group only if the leader is still there after `waitMs`.
 */
function killMembersThenLeader(pgid: number, waitMs: number, pause: (ms: number) => void): void {
  for (const pid of membersBesidesLeader(pgid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  }
  const deadline = Date.now() + waitMs;
  while (isGroupAlive(pgid) && Date.now() < deadline) pause(10);
  if (isGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
}

/** Sends `signal` to the whole group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * SIGTERM, then SIGKILL whatever is still alive after `graceMs`. Synchronous because it also runs from
 * process 'exit' handlers, where the event loop is gone.
 */
export function killGroupSync(pgid: number, graceMs = 2000): void {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return;
    sleepSync(10);
  }
  killMembersThenLeader(pgid, 500, sleepSync);
}

/** Same as killGroupSync, without blocking the event loop (so Node can reap its own children meanwhile). */
export async function killGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  killMembersThenLeader(pgid, 500, sleepSync);
  const killDeadline = Date.now() + 2000;
  while (isGroupAlive(pgid) && Date.now() < killDeadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
