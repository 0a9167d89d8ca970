import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRunDir, registerCleanup, spawnWatched, sweepStaleRunDirs, type WatchedProcess } from '../../lifecycle';
import type { ProviderKey } from '../../model/providers';
import { SOFTHSM2_LIBRARY } from '../../setup';
import type { ClientAuth, NativeTargetOptions, ParsecBinary, StartedTarget } from '../target';
import { redact, tailLines } from './log-tail';
import { renderParsecConfig, type ProviderSpec } from './parsec-config';
import { pingProbe } from './ping-probe';
import { delay, POLL_INTERVAL_MS } from './poll';
import { createSoftHsmToken, type SoftHsmToken } from './softhsm-token';
import { startSwtpm, type RunningSwtpm } from './swtpm';
import { TargetStartError } from './target-start-error';

export interface StopOptions {
  /** Copy the (redacted) service log here before the run dir is removed, e.g. into the reports folder. */
  readonly keepLogAt?: string;
}

// A Unix socket path longer than this cannot be bound (sun_path is 108 bytes including the NUL).
const MAX_SOCKET_PATH = 107;
const LOG_TAIL_LINES = 30;
const KEPT_LOG_LINES = 500;

/** A Parsec process on this machine, with its own swtpm and SoftHSM2 token, all inside one run dir. */
export class NativeTarget implements StartedTarget {
  readonly kind = 'native';
  private stopping: Promise<void> | undefined;
  private logAfterStop: string | undefined;

  constructor(
    readonly parsec: ParsecBinary,
    readonly providers: readonly ProviderKey[],
    readonly auth: ClientAuth,
    readonly workDir: string,
    readonly startupMs: number,
    private readonly parts: RunParts,
  ) {}

  get socketPath(): string {
    return join(this.workDir, 'parsec.sock');
  }

  get logPath(): string {
    return join(this.workDir, 'parsec.log');
  }

  /** TCP port of this run's swtpm, when the TPM provider is configured. */
  get swtpmPort(): number | undefined {
    return this.parts.swtpm?.port;
  }

  logTail(lines = LOG_TAIL_LINES): string {
    if (this.logAfterStop !== undefined) return tailLines(this.logAfterStop, lines);
    return readRedacted(this.logPath, this.parts.secrets, lines);
  }

  /** Stops Parsec, then swtpm, removes the run dir. Idempotent; the log tail stays readable afterwards. */
  stop(opts: StopOptions = {}): Promise<void> {
    this.stopping ??= (async () => {
      await this.parts.parsec?.stop();
      this.logAfterStop = readRedacted(this.logPath, this.parts.secrets, KEPT_LOG_LINES);
      if (opts.keepLogAt !== undefined) keepLog(this.logPath, opts.keepLogAt, this.parts.secrets);
      await teardown(this.parts);
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

interface RunParts {
  readonly runDir: string;
  readonly secrets: string[];
  unregister?: () => void;
  swtpm?: RunningSwtpm;
  parsec?: WatchedProcess;
}

function readRedacted(path: string, secrets: readonly string[], lines: number): string {
  try {
    return redact(tailLines(readFileSync(path, 'utf8'), lines), secrets);
  } catch {
    return '';
  }
}

function keepLog(from: string, to: string, secrets: readonly string[]): void {
  mkdirSync(dirname(to), { recursive: true });
  if (secrets.length === 0) {
    copyFileSync(from, to);
    return;
  }
  writeFileSync(to, redact(readFileSync(from, 'utf8'), secrets));
}

async function teardown(parts: RunParts): Promise<void> {
  await parts.parsec?.stop();
  await parts.swtpm?.process.stop();
  rmSync(parts.runDir, { recursive: true, force: true });
  parts.unregister?.();
}

function authOf(authenticator: 'UnixPeerCredentials' | 'Direct'): ClientAuth {
  return authenticator === 'Direct' ? { kind: 'direct', appName: 'parsec-conformance' } : { kind: 'unix-peer' };
}

function parsecEnv(parsec: ParsecBinary, token: SoftHsmToken | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // RUST_LOG from the caller's shell would override the config's log_level and flood or silence the log.
  delete env.RUST_LOG;
  if (parsec.libraryPath) {
    env.LD_LIBRARY_PATH = [parsec.libraryPath, env.LD_LIBRARY_PATH].filter((p) => p).join(':');
  }
  if (token) env.SOFTHSM2_CONF = token.confPath;
  return env;
}

async function waitForPing(
  socketPath: string,
  parsec: WatchedProcess,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'the socket never appeared';
  for (;;) {
    const exit = parsec.exitInfo();
    if (exit) {
      const how = exit.code !== null ? `with code ${exit.code}` : `on signal ${exit.signal}`;
      return { ok: false, reason: `Parsec exited ${how} before answering Ping` };
    }
    try {
      const reply = await pingProbe(socketPath, Math.max(100, Math.min(1000, deadline - Date.now())));
      if (reply.status === 0) return { ok: true };
      lastError = `Ping answered with status ${reply.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      return { ok: false, reason: `Parsec did not answer Ping within ${timeoutMs} ms (last: ${lastError})` };
    }
    await delay(POLL_INTERVAL_MS);
  }
}

async function bringUp(
  opts: NativeTargetOptions,
  parts: RunParts,
  authenticator: 'UnixPeerCredentials' | 'Direct',
  log: (line: string) => void,
): Promise<void> {
  const { runDir } = parts;
  const socketPath = join(runDir, 'parsec.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new TargetStartError(`socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes; set TMPDIR shorter`);
  }
  let token: SoftHsmToken | undefined;
  if (opts.providers.includes('pkcs11')) {
    token = await createSoftHsmToken(runDir);
    parts.secrets.push(token.userPin, token.soPin);
    log(`SoftHSM2 token ${token.serialNumber} created`);
  }
  if (opts.providers.includes('tpm')) {
    parts.swtpm = await startSwtpm(runDir);
    log(`swtpm listening on 127.0.0.1:${parts.swtpm.port}`);
  }
  const providers = opts.providers.map((key): ProviderSpec => {
    switch (key) {
      case 'mbed':
        return { type: 'mbed' };
      case 'pkcs11':
        return {
          type: 'pkcs11',
          libraryPath: SOFTHSM2_LIBRARY,
          serialNumber: token?.serialNumber ?? '',
          userPin: token?.userPin ?? '',
        };
      case 'tpm':
        return { type: 'tpm', tcti: parts.swtpm?.tcti ?? '', ownerHierarchyAuth: '' };
    }
  });
  const configPath = join(runDir, 'config.toml');
  const config = renderParsecConfig({
    allowRoot: process.getuid?.() === 0,
    socketPath,
    sqliteDbPath: join(runDir, 'kim-mappings.sqlite3'),
    authenticator,
    admins: opts.admins,
    providers,
  });
  // It holds the token's user PIN.
  writeFileSync(configPath, config, { mode: 0o600 });

  parts.parsec = spawnWatched(opts.parsec.path, ['-c', configPath], {
    cwd: runDir,
    env: parsecEnv(opts.parsec, token),
    logPath: join(runDir, 'parsec.log'),
  });
  const ready = await waitForPing(socketPath, parts.parsec, opts.readyTimeoutMs ?? 15_000);
  if (!ready.ok) throw new TargetStartError(ready.reason);
}

/**
 * Starts Parsec natively with the requested providers (and swtpm / a SoftHSM2 token for them) in a fresh run dir,
 * ready once it answers Ping. On any failure everything started is stopped, the run dir removed, and a
 * TargetStartError thrown that carries the relevant log tails.
 */
export async function startNativeTarget(opts: NativeTargetOptions): Promise<NativeTarget> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  sweepStaleRunDirs({ log });
  const runDir = createRunDir();
  const parts: RunParts = { runDir, secrets: [] };
  parts.unregister = registerCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const logPath = join(runDir, 'parsec.log');
  const authenticator = opts.authenticator ?? 'UnixPeerCredentials';

  try {
    await bringUp(opts, parts, authenticator, log);
  } catch (err) {
    // Logs first: stopping the processes and removing the run dir destroys them.
    await parts.parsec?.stop();
    const logs: Record<string, string> = { 'parsec.log': readRedacted(logPath, parts.secrets, LOG_TAIL_LINES) };
    if (parts.swtpm) logs['swtpm.log'] = readRedacted(parts.swtpm.logPath, parts.secrets, LOG_TAIL_LINES);
    await teardown(parts);
    if (err instanceof TargetStartError) throw new TargetStartError(err.reason, { ...logs, ...err.logs });
    throw new TargetStartError(`native target start failed: ${redact((err as Error).message, parts.secrets)}`, logs);
  }
  const startupMs = Date.now() - started;
  log(`Parsec (${opts.parsec.origin}) answered Ping after ${startupMs} ms in ${runDir}`);
  return new NativeTarget(opts.parsec, [...opts.providers], authOf(authenticator), runDir, startupMs, parts);
}
