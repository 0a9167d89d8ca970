import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnWatched, type WatchedProcess } from '../../lifecycle';
import type { ProviderKey } from '../../model/providers';
import { renderParsecConfig, type ParsecConfigSpec } from '../config/parsec-config';
import { tailFile } from '../logs';
import { delay, POLL_INTERVAL_MS } from '../poll';
import { waitForPing } from '../readiness';
import type { ConfigRewrite, RivalOptions, RivalService, ServiceControl, ServiceState } from '../service-control';
import { TargetStartError } from '../target-start-error';

/** How the native target started Parsec: enough to start it again, or a second one, the same way. */
export interface NativeLaunch {
  readonly runDir: string;
  readonly socketPath: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** The config as started; rewrites are made from it. Holds secrets: never logged. */
  readonly config: ParsecConfigSpec;
  /** The command line that runs Parsec on a config file. */
  commandFor(configPath: string): { command: string; args: string[] };
}

/** The parts of a native run the control changes: the Parsec process is replaced by a restart. */
export interface ControlledParts {
  parsec?: WatchedProcess;
  readonly secrets: readonly string[];
  launch?: NativeLaunch;
  /** Second services started by cases; stopped with the target. */
  rivals?: WatchedProcess[];
}

const RESTART_READY_MS = 15_000;
const RIVAL_WAIT_MS = 10_000;
const READY_LINE = 'Parsec is ready';

/**
 * The Parsec process under a watchdog shell: the shell's child whose command line names the config. Signals go to it
 * alone (a SIGHUP to the whole group would end the watchdog shell, and with it the service's supervision).
 */
export function parsecPidUnder(shellPid: number, configPath: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== shellPid || fields[0] === 'Z') continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0');
      if (argv.includes(configPath)) return Number(name);
    } catch {
      // The process ended while we read it.
    }
  }
  return undefined;
}

function stateOf(proc: WatchedProcess | undefined, configPath: string): ServiceState {
  if (!proc) return { running: false, how: 'Parsec was never started' };
  const exit = proc.exitInfo();
  if (exit) {
    return { running: false, how: exit.code !== null ? `exited with code ${exit.code}` : `ended on ${exit.signal}` };
  }
  const pid = parsecPidUnder(proc.pid, configPath);
  return pid === undefined ? { running: false, how: 'its process is gone' } : { running: true, pid };
}

/** The config text for a rewrite of the started config. */
export function rewrittenConfig(
  base: ParsecConfigSpec,
  change: ConfigRewrite & { readonly socketPath?: string },
): string {
  const keys: readonly ProviderKey[] = change.providers ?? base.providers.map((p) => p.type);
  const providers = keys.map((key) => {
    const p = base.providers.find((x) => x.type === key);
    if (!p) {
      throw new Error(
        `provider '${key}' was not started with this target (${base.providers.map((x) => x.type).join(', ')}): its backend is not there`,
      );
    }
    return p;
  });
  const extra = change.extraConfig
    ? {
        core_settings: { ...base.extra?.core_settings, ...change.extraConfig.core_settings },
        listener: { ...base.extra?.listener, ...change.extraConfig.listener },
      }
    : base.extra;
  const text = renderParsecConfig({
    ...base,
    providers,
    ...(extra ? { extra } : {}),
    ...(change.keyStorePath !== undefined ? { sqliteDbPath: change.keyStorePath } : {}),
    ...(change.socketPath !== undefined ? { socketPath: change.socketPath } : {}),
  });
  return change.appendText !== undefined ? `${text}${change.appendText}\n` : text;
}

function launched(parts: ControlledParts): NativeLaunch {
  if (!parts.launch) throw new Error('internal: the native target keeps no launch record');
  return parts.launch;
}

function spawnParsec(launch: NativeLaunch, configPath: string, logPath: string): WatchedProcess {
  const { command, args } = launch.commandFor(configPath);
  return spawnWatched(command, args, { cwd: launch.runDir, env: launch.env, logPath });
}

/** Waits until the log shows the ready line, or the process ended, or the time is up. */
async function readyOrExited(proc: WatchedProcess, logPath: string, ms: number): Promise<RivalService['outcome']> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (existsSync(logPath) && readFileSync(logPath, 'utf8').includes(READY_LINE)) return 'ready';
    if (proc.exitInfo()) return 'exited';
    await delay(POLL_INTERVAL_MS);
  }
  return 'neither';
}

/** The lifecycle control of a native target (harness/targets/service-control.ts). */
export function nativeControl(parts: ControlledParts): ServiceControl {
  let current = { keyStorePath: launched(parts).config.sqliteDbPath };
  const configPath = (): string => launched(parts).configPath;
  return {
    get keyStorePath() {
      return current.keyStorePath;
    },
    get socketDir() {
      return dirname(launched(parts).socketPath);
    },
    async restart() {
      const launch = launched(parts);
      await parts.parsec?.stop();
      const proc = spawnParsec(launch, launch.configPath, launch.logPath);
      parts.parsec = proc;
      const ready = await waitForPing(launch.socketPath, {
        timeoutMs: RESTART_READY_MS,
        // The exit of the watchdog shell, not a look for the process: right after the spawn it may not be forked yet.
        gone: () => {
          const exit = proc.exitInfo();
          if (!exit) return undefined;
          return `Parsec exited ${exit.code !== null ? `with code ${exit.code}` : `on signal ${exit.signal}`}`;
        },
      });
      if (!ready.ok) {
        throw new TargetStartError(`the restarted Parsec did not come up: ${ready.reason}`, {
          'parsec.log': tailFile(launch.logPath, 30, parts.secrets),
        });
      }
    },
    async signal(signal) {
      const proc = parts.parsec;
      const pid = proc ? parsecPidUnder(proc.pid, configPath()) : undefined;
      if (pid === undefined) throw new Error(`cannot send ${signal}: Parsec is not running`);
      process.kill(pid, signal);
    },
    async rewriteConfig(change) {
      const launch = launched(parts);
      writeFileSync(launch.configPath, rewrittenConfig(launch.config, change), { mode: 0o600 });
      if (change.keyStorePath !== undefined) current = { keyStorePath: change.keyStorePath };
    },
    state: () => stateOf(parts.parsec, configPath()),
    async waitForExit(ms) {
      const proc = parts.parsec;
      if (proc) await Promise.race([proc.exited, delay(ms)]);
      return stateOf(proc, configPath());
    },
    async startRival(o: RivalOptions = {}) {
      const launch = launched(parts);
      parts.rivals ??= [];
      const n = parts.rivals.length + 1;
      const rivalConfig = join(launch.runDir, `rival-${n}.toml`);
      const logPath = join(launch.runDir, `rival-${n}.log`);
      const socketPath = o.socketPath ?? launch.socketPath;
      const base = { ...launch.config, sqliteDbPath: join(launch.runDir, `rival-${n}.sqlite3`) };
      const providers = o.providers ?? [launch.config.providers[0]?.type ?? 'mbed'];
      writeFileSync(rivalConfig, rewrittenConfig(base, { providers, socketPath }), { mode: 0o600 });
      const proc = spawnParsec(launch, rivalConfig, logPath);
      parts.rivals.push(proc);
      const outcome = await readyOrExited(proc, logPath, o.waitMs ?? RIVAL_WAIT_MS);
      return {
        socketPath,
        outcome,
        state: () => stateOf(proc, rivalConfig),
        logTail: (lines = 30) => tailFile(logPath, lines, parts.secrets),
        stop: () => proc.stop(),
      };
    },
  };
}
