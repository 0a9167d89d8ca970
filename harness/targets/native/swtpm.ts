import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { spawnWatched, type WatchedProcess } from '../../lifecycle';
import { tailFile } from '../logs';
import { findFreePortPair } from './free-port';
import { delay, POLL_INTERVAL_MS } from '../poll';
import { TargetStartError } from '../target-start-error';

export interface RunningSwtpm {
  readonly port: number;
  /** The TCTI string Parsec's TPM provider uses to reach this simulator. */
  readonly tcti: string;
  readonly logPath: string;
  readonly process: WatchedProcess;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts swtpm on a free port pair in `runDir/tpm`, ready when its server port accepts a connection. With `port`, on
 * that pair only (a restart on the state and ports of a swtpm that was killed).
 */
export async function startSwtpm(runDir: string, timeoutMs = 10_000, port?: number): Promise<RunningSwtpm> {
  const stateDir = join(runDir, 'tpm');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logPath = join(runDir, 'swtpm.log');
  let lastReason = '';
  // A port found free can be taken before swtpm binds it; a fresh pair is then tried.
  for (let attempt = 0; attempt < (port === undefined ? 3 : 1); attempt++) {
    const serverPort = port ?? (await findFreePortPair());
    const proc = spawnWatched(
      'swtpm',
      [
        'socket',
        '--tpm2',
        '--server',
        `type=tcp,port=${serverPort},bindaddr=127.0.0.1`,
        '--ctrl',
        `type=tcp,port=${serverPort + 1},bindaddr=127.0.0.1`,
        '--tpmstate',
        `dir=${stateDir}`,
        '--flags',
        'not-need-init,startup-clear',
      ],
      { logPath },
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const exit = proc.exitInfo();
      if (exit) {
        lastReason = `swtpm exited with code ${exit.code ?? exit.signal} before accepting connections on port ${serverPort}`;
        break;
      }
      if (await accepts(serverPort))
        return { port: serverPort, tcti: `swtpm:host=127.0.0.1,port=${serverPort}`, logPath, process: proc };
      await delay(POLL_INTERVAL_MS);
    }
    if (!proc.exitInfo()) lastReason = `swtpm did not accept connections on port ${serverPort} within ${timeoutMs} ms`;
    await proc.stop();
    if (Date.now() >= deadline) break;
  }
  throw new TargetStartError(lastReason, { 'swtpm.log': tailFile(logPath, 30) });
}
