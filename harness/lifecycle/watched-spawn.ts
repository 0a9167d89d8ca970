import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { registerCleanup, stoppingReason } from './cleanup-registry';
import { isGroupAlive, killGroup, killGroupSync } from './process-group';

/**
 * Runs "$@" in the background under a watchdog shell that reaps everything it starts, so no process is left as a
 * zombie for the system to collect:
 * - a watcher subshell holds our stdin pipe, blocked in the `read` builtin (no child of its own). When the harness
 *   dies in any way, even by SIGKILL, the pipe closes and the watcher terminates the group (TERM, then KILL after
 *   about 5 s); `kill 0` targets the group rather than a pid, so a recycled pid can never be hit;
 * - the shell itself traps TERM/INT/HUP and passes them on to the command instead of dying from them: it stays to
 *   `wait` for the command (reaping it), then ends and reaps the watcher, and exits as the command did (the same
 *   status, or the same signal re-raised), so the exit we see is the command's own. killGroup's last resort KILLs
 *   the group's other members first, for the same reason.
 */
export const WATCHDOG_SCRIPT = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'c=$!',
  '( trap "" TERM INT HUP; while read -r _ <&3; do :; done 2>/dev/null; kill -TERM 0 2>/dev/null; i=0;',
  '  while kill -0 "$c" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL 0 2>/dev/null ) &',
  'w=$!',
  'exec 3<&-',
  'trap \'kill -TERM "$c" 2>/dev/null\' TERM INT HUP',
  'while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || break; done',
  'kill -KILL "$w" 2>/dev/null; wait "$w" 2>/dev/null',
  'trap - TERM INT HUP',
  'if [ "$s" -gt 128 ] && [ "$s" -lt 160 ]; then kill -$((s - 128)) $$; fi',
  'exit "$s"',
].join('\n');

/** How long stop() waits for Node to reap the ended watchdog shell. */
const REAP_WAIT_MS = 2000;

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WatchedSpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** stdout and stderr are appended to this file; without it they are discarded. */
  readonly logPath?: string;
}

export interface WatchedProcess {
  /** Pid of the watchdog shell, which is also the process group id of everything it runs. */
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  /** Set once the watchdog shell has exited (the command has exited, or the group was signalled). */
  exitInfo(): ExitInfo | undefined;
  /** SIGTERM to the group, SIGKILL after `graceMs`, resolves when no member is left. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-lived child in its own process group, tied to this process's life by the watchdog above. */
export function spawnWatched(command: string, args: readonly string[], opts: WatchedSpawnOptions = {}): WatchedProcess {
  const refused = stoppingReason();
  if (refused !== undefined) throw new Error(`${command} not started: ${refused}`);
  const out = opts.logPath === undefined ? 'ignore' : openSync(opts.logPath, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'sh', command, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', out, out],
      detached: true,
    });
  } finally {
    if (typeof out === 'number') closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn /bin/sh to run ${command}`);

  let info: ExitInfo | undefined;
  const unregister = registerCleanup(() => killGroupSync(pid));
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      // Closing the pipe lets the watcher end the rest of the group (it is all gone if the command itself exited).
      child.stdin?.destroy();
      resolve(info);
    });
  });
  // The service must not keep the harness alive on its own; the cleanup registry ends it at exit.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  return {
    pid,
    exited,
    exitInfo: () => info,
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        if (info === undefined || isGroupAlive(pid)) await killGroup(pid, graceMs);
        child.stdin?.destroy();
        // Reaped, not merely ended: a caller that exits right after stop() must not leave the shell as a zombie.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, REAP_WAIT_MS)))]);
        clearTimeout(timer);
        unregister();
      })();
      return stopping;
    },
  };
}
