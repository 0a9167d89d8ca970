import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isPidAlive, registerCleanup } from '../../lifecycle';
import { dockerClient, EPHEMERAL_LABEL, findExecutable } from '../../setup';

/**
 * Everything the harness starts in Docker carries these labels. The reaper of testcontainers cannot run here (its
 * image cannot be pulled), so the harness removes its own containers: at stop, at exit and on Ctrl-C (a synchronous
 * `docker rm`), when it is killed (a watchdog shell), and at the next start (containers of a dead harness process).
 */
export const SESSION_LABEL = 'org.parsec-conformance.session';
export const PID_LABEL = 'org.parsec-conformance.pid';
export const HOST_LABEL = 'org.parsec-conformance.host';
export const TARGET_LABEL = 'org.parsec-conformance.target';

let session: { readonly id: string; readonly labels: Readonly<Record<string, string>> } | undefined;

function dockerCli(): string | undefined {
  return findExecutable('docker');
}

// Started with the session: it holds a pipe from this process and, once the pipe closes (this process ended in any
// way, SIGKILL included), removes every container of the session. On a normal exit they are already gone.
const WATCHDOG = [
  'cat >/dev/null 2>&1',
  'ids=$("$1" ps -aq --filter "label=$2=$3")',
  '[ -z "$ids" ] || "$1" rm -fv $ids >/dev/null 2>&1',
].join('\n');

function startWatchdog(docker: string, id: string): void {
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'sh', docker, SESSION_LABEL, id], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/** Removes, synchronously, every container of this process's session: for exit handlers and Ctrl-C. */
function removeSessionNow(docker: string, id: string): void {
  const ids = spawnSync(docker, ['ps', '-aq', '--filter', `label=${SESSION_LABEL}=${id}`], { encoding: 'utf8' });
  const list = (ids.stdout ?? '').split('\n').filter((l) => l.trim() !== '');
  if (list.length > 0) spawnSync(docker, ['rm', '-fv', ...list], { stdio: 'ignore' });
}

/** The labels of this process's containers; the first call sets up the cleanups above. */
export function sessionLabels(): Readonly<Record<string, string>> {
  if (!session) {
    const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
    session = {
      id,
      labels: { [SESSION_LABEL]: id, [PID_LABEL]: String(process.pid), [HOST_LABEL]: hostname() },
    };
    const docker = dockerCli();
    if (docker) {
      startWatchdog(docker, id);
      registerCleanup(() => removeSessionNow(docker, id));
    }
  }
  return session.labels;
}

/**
 * Removes containers left by harness processes of this machine that no longer exist (killed before any cleanup
 * could run). Returns how many it removed.
 */
export async function sweepStaleContainers(log: (line: string) => void = () => undefined): Promise<number> {
  const docker = dockerClient();
  const mine = hostname();
  const list = await docker.listContainers({ all: true, filters: { label: [PID_LABEL] } });
  let removed = 0;
  for (const c of list) {
    const pid = Number(c.Labels[PID_LABEL]);
    if (c.Labels[HOST_LABEL] !== mine || !Number.isInteger(pid) || pid === process.pid || isPidAlive(pid)) continue;
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed += 1;
    } catch {
      // Gone already, or being removed by another sweep.
    }
  }
  if (removed > 0) log(`removed ${removed} container(s) left by harness processes that no longer run`);
  return removed;
}

/** Removes images built for one run only (labelled ephemeral) that no container uses any more. */
export async function removeEphemeralImages(tags: readonly string[]): Promise<void> {
  for (const tag of tags) {
    try {
      const info = await dockerClient().getImage(tag).inspect();
      if (info.Config?.Labels?.[EPHEMERAL_LABEL] === 'true') await dockerClient().getImage(tag).remove();
    } catch {
      // In use by another target of the run, or already gone.
    }
  }
}
