import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import type { ParsecConfigSpec } from '../config/parsec-config';
import { tailFile } from '../logs';
import { rewrittenConfig } from '../native/native-service-control';
import { delay } from '../poll';
import { waitForPing } from '../readiness';
import type { ServiceControl, ServiceState } from '../service-control';
import { TargetStartError } from '../target-start-error';

/** What the container target can not do that the native one can: the reasons, for errors and skips alike. */
export const CONTAINER_CONTROL_LIMITS = {
  keyStoreElsewhere:
    'the Parsec container sees only its bind-mounted folder, and a file system mounted on the host after the container started does not appear in it: its key store cannot be moved onto one',
  rival:
    'a second Parsec on the same socket would be a second Parsec container on the same bind mount, which the container target does not start',
} as const;

/** The parts of a container target the control works on. */
export interface ContainerControlParts {
  /** The Parsec container's bind-mounted folder on this machine, and where it is inside the container. */
  readonly hostDir: string;
  readonly containerDir: string;
  /** The config as started, with the container's paths. Holds secrets: never logged. */
  readonly config: ParsecConfigSpec;
  readonly secrets: readonly string[];
  parsec(): StartedTestContainer | undefined;
  /** The Parsec log file on this machine. */
  logPath(): string;
  /** After a restart: the container's log stream ended with the stop, so a new one is attached. */
  reattachLog(since: Date): Promise<void>;
}

const RESTART_READY_MS = 30_000;
const STOP_GRACE_S = 3;

function docker(args: readonly string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function stateOf(id: string | undefined): ServiceState {
  if (!id) return { running: false, how: 'the Parsec container was never started' };
  const r = docker(['inspect', '-f', '{{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}', id]);
  if (!r.ok) return { running: false, how: `the Parsec container is gone (${r.out})` };
  const [running, pid, code] = r.out.split(' ');
  return running === 'true' ? { running: true, pid: Number(pid) } : { running: false, how: `exited with code ${code}` };
}

/**
 * The lifecycle control of a container target: signals with `docker kill -s` (Parsec is the container's PID 1),
 * restarts with a container restart, config rewrites through the bind mount. The key store stays in the bind-mounted
 * folder and no second Parsec is started (CONTAINER_CONTROL_LIMITS).
 */
export function containerControl(parts: ContainerControlParts): ServiceControl {
  const hostPath = (inContainer: string): string => join(parts.hostDir, relative(parts.containerDir, inContainer));
  const id = (): string | undefined => parts.parsec()?.getId();
  let keyStore = hostPath(parts.config.sqliteDbPath);
  return {
    get keyStorePath() {
      return keyStore;
    },
    socketDir: dirname(hostPath(parts.config.socketPath)),
    async restart() {
      const container = parts.parsec();
      if (!container) throw new Error('cannot restart: the Parsec container was never started');
      const stopped = docker(['stop', '-t', String(STOP_GRACE_S), container.getId()]);
      if (!stopped.ok) throw new Error(`docker stop of the Parsec container failed: ${stopped.out}`);
      // Docker's `since` counts whole seconds: start in a new second, so the new log has none of the old lines.
      const since = Math.ceil(Date.now() / 1000) * 1000;
      await delay(since - Date.now());
      const r = docker(['start', container.getId()]);
      if (!r.ok) throw new Error(`docker start of the Parsec container failed: ${r.out}`);
      await parts.reattachLog(new Date(since));
      const ready = await waitForPing(hostPath(parts.config.socketPath), {
        timeoutMs: RESTART_READY_MS,
        gone: () => {
          const s = stateOf(container.getId());
          return s.running ? undefined : `the Parsec container ${s.how}`;
        },
      });
      if (!ready.ok) {
        throw new TargetStartError(`the restarted Parsec container did not come up: ${ready.reason}`, {
          'parsec container log': tailFile(parts.logPath(), 30, parts.secrets),
        });
      }
    },
    async signal(signal) {
      const s = stateOf(id());
      if (!s.running) throw new Error(`cannot send ${signal}: Parsec is not running (${s.how})`);
      const r = docker(['kill', '-s', signal, id() as string]);
      if (!r.ok) throw new Error(`docker kill -s ${signal} of the Parsec container failed: ${r.out}`);
    },
    async rewriteConfig(change) {
      let keyStorePath: string | undefined;
      if (change.keyStorePath !== undefined) {
        const rel = relative(parts.hostDir, change.keyStorePath);
        if (rel.startsWith('..') || rel.includes('/')) throw new Error(CONTAINER_CONTROL_LIMITS.keyStoreElsewhere);
        keyStorePath = join(parts.containerDir, basename(change.keyStorePath));
      }
      const text = rewrittenConfig(parts.config, { ...change, ...(keyStorePath ? { keyStorePath } : {}) });
      writeFileSync(join(parts.hostDir, 'config.toml'), text, { mode: 0o600 });
      if (change.keyStorePath !== undefined) keyStore = change.keyStorePath;
    },
    state: () => stateOf(id()),
    async waitForExit(ms) {
      const deadline = Date.now() + ms;
      let s = stateOf(id());
      while (s.running && Date.now() < deadline) {
        await delay(100);
        s = stateOf(id());
      }
      return s;
    },
    async startRival() {
      throw new Error(CONTAINER_CONTROL_LIMITS.rival);
    },
  };
}
