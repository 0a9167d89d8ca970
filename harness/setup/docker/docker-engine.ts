import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { findExecutable } from '../find-executable';
import { runCommand } from '../run-command';
import { SetupError } from '../setup-error';
import { installSystemPackages, isRoot, installCommand } from '../system-packages';
import { dockerClient, engineProblem } from './docker-client';

/** Where the engine's own log goes when the harness starts the daemon itself (there is no service manager). */
export const DOCKERD_LOG = '/var/log/parsec-conformance-dockerd.log';
const START_TIMEOUT_MS = 60_000;

export interface EngineInfo {
  readonly version: string;
  readonly apiVersion: string;
  /** What setup did: nothing, installed the package, started the daemon. */
  readonly actions: readonly string[];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForEngine(timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let problem = await engineProblem();
  while (problem !== undefined && Date.now() < deadline) {
    await delay(200);
    problem = await engineProblem();
  }
  return problem;
}

function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** True when systemd runs this machine, so the engine is a unit to start rather than a process of ours. */
function systemdRuns(): boolean {
  return existsSync('/run/systemd/system');
}

/**
 * Makes sure a Docker engine answers: installs Debian's docker.io when it is missing (root, apt) and starts the
 * daemon when it is not running, through systemd where systemd runs the machine, else as a background process that
 * logs to DOCKERD_LOG. The engine is machine infrastructure: it keeps running after the run, like any service.
 */
export async function ensureDockerEngine(log: (line: string) => void = () => undefined): Promise<EngineInfo> {
  const actions: string[] = [];
  let problem = await engineProblem();
  if (problem !== undefined) {
    if (findExecutable('dockerd') === undefined) {
      if (!isRoot()) {
        throw new SetupError(
          `no Docker engine: ${problem}; install one (${installCommand(['docker.io'])}) or run setup as root`,
        );
      }
      log('installing the Docker engine (docker.io)');
      await installSystemPackages([{ package: 'docker.io', present: false, missing: ['dockerd'] }], log);
      actions.push('installed docker.io');
    }
    if (!isRoot()) {
      throw new SetupError(
        `the Docker engine does not answer (${problem}); start it (sudo systemctl start docker) or run setup as root`,
      );
    }
    if (systemdRuns()) {
      log('starting the Docker engine: systemctl start docker');
      const r = await runCommand('systemctl', ['start', 'docker']);
      if (r.code !== 0) throw new SetupError('systemctl start docker failed', r.output.trim());
      actions.push('started docker with systemctl');
    } else {
      log(`starting the Docker engine: dockerd (its log: ${DOCKERD_LOG})`);
      const out = openSync(DOCKERD_LOG, 'a');
      try {
        const daemon = spawn(findExecutable('dockerd') ?? 'dockerd', [], {
          detached: true,
          stdio: ['ignore', out, out],
        });
        daemon.unref();
      } finally {
        closeSync(out);
      }
      actions.push('started dockerd');
    }
    problem = await waitForEngine(START_TIMEOUT_MS);
    if (problem !== undefined) {
      throw new SetupError(
        `the Docker engine did not answer within ${START_TIMEOUT_MS / 1000} s after starting it: ${problem}`,
        logTail(DOCKERD_LOG),
      );
    }
  }
  const version = await dockerClient().version();
  return { version: version.Version, apiVersion: version.ApiVersion, actions };
}
