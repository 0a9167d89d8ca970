import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunDir, registerCleanup, spawnWatched, sweepStaleRunDirs, type WatchedProcess } from '../../lifecycle';
import type { ParsecBinary } from '../../setup';
import { renderParsecConfig } from '../config/parsec-config';
import {
  authenticatorOf,
  configuredPkcs11Pin,
  harnessBackendsOf,
  harnessTokenQuirk,
  pinSecrets,
  serviceConfig,
  type ResolvedBackends,
} from '../config/service-config';
import { LOGIN_ATTEMPTS_FILE, QUIRK_CONFIG_ENV, quirkConfigText, quirkTokenPin } from '../quirks';
import { readLoginAttempts, type TokenObservations } from '../token-observations';
import { redact, tailFile, type TargetLog } from '../logs';
import { waitForPing } from '../readiness';
import { describeParsecSource, type NativeSpec } from '../spec';
import type { StartOptions } from '../start-options';
import { StartedService } from '../started-service';
import type { ClientAuth, TargetVersions } from '../started-target';
import type { BackendControls } from '../backend-controls';
import { TargetStartError } from '../target-start-error';
import { parsecVersionOf } from '../parsec-version';
import { nativeBackendVersions } from './backend-versions';
import { resolveNativeParsec } from './native-parsec';
import { createSoftHsmToken, type SoftHsmToken } from './softhsm-token';
import { nativeBackendControls } from './native-controls';
import { startSwtpm, type RunningSwtpm } from './swtpm';
import { nativeControl, type NativeLaunch } from './native-service-control';
import type { ServiceControl } from '../service-control';
import { ensurePkcs11Tools, SOFTHSM2_LIBRARY } from '../../setup';

// A Unix socket path longer than this cannot be bound (sun_path is 108 bytes including the NUL).
const MAX_SOCKET_PATH = 107;
const LOG_TAIL_LINES = 30;

interface RunParts {
  /** The quirk token's configuration, when the token has a quirk. */
  quirkConfig?: string;
  /** The user_pin value as written into Parsec's config, to describe what the token saw. */
  configuredPin?: string;
  readonly runDir: string;
  readonly secrets: string[];
  unregister?: () => void;
  token?: SoftHsmToken;
  swtpm?: RunningSwtpm;
  parsec?: WatchedProcess;
  /** How Parsec was started, for the lifecycle control's restarts and rivals. */
  launch?: NativeLaunch;
  rivals?: WatchedProcess[];
  /** Undoes the faults the backend controls left in force (a read-only mount, a frozen swtpm) before removal. */
  releaseFaults?: () => void;
}

/** A Parsec process on this machine, with its own swtpm and SoftHSM2 token when the spec asks for them. */
export class NativeTarget extends StartedService<NativeSpec> {
  readonly kind = 'native';
  readonly control: ServiceControl;
  readonly backendControls: BackendControls;

  constructor(
    spec: NativeSpec,
    auth: ClientAuth,
    versions: TargetVersions,
    startupMs: number,
    private readonly run: RunParts,
  ) {
    super(spec, auth, versions, startupMs, {
      logs: () => logsOf(run),
      // A frozen swtpm or a read-only token first: Parsec's shutdown may wait on them.
      stopService: async () => {
        run.releaseFaults?.();
        await run.parsec?.stop();
      },
      removeAll: () => teardown(run),
      secrets: run.secrets,
    });
    this.control = nativeControl(run);
    const faults = nativeBackendControls(run, run.token ? join(run.runDir, 'tokens') : undefined);
    this.backendControls = faults.controls;
    run.releaseFaults = faults.release;
  }

  get socketPath(): string {
    return join(this.run.runDir, 'parsec.sock');
  }

  /** The run dir: config, logs, key store, token and TPM state. Removed by stop(). */
  get workDir(): string {
    return this.run.runDir;
  }

  tokenObservations(): TokenObservations | undefined {
    return observationsOf(this.run);
  }
}

/** The quirk token's record of login attempts, described without PIN bytes. */
function observationsOf(parts: RunParts): TokenObservations | undefined {
  if (!parts.token || !parts.quirkConfig) return undefined;
  const file = join(parts.runDir, 'tokens', LOGIN_ATTEMPTS_FILE);
  return { loginAttempts: readLoginAttempts(file, parts.token.appPin, parts.configuredPin) };
}

function logsOf(parts: RunParts): TargetLog[] {
  return [
    { name: 'parsec', path: join(parts.runDir, 'parsec.log') },
    ...(parts.swtpm ? [{ name: 'swtpm', path: parts.swtpm.logPath }] : []),
  ];
}

async function teardown(parts: RunParts): Promise<void> {
  for (const rival of parts.rivals ?? []) await rival.stop();
  parts.releaseFaults?.();
  await parts.parsec?.stop();
  await parts.swtpm?.process.stop();
  rmSync(parts.runDir, { recursive: true, force: true });
  parts.unregister?.();
}

/** The environment Parsec runs in: its own libraries, the token's SoftHSM2 config, no RUST_LOG of the caller. */
export function parsecEnv(parsec: ParsecBinary, token?: SoftHsmToken): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // RUST_LOG from the caller's shell would override the config's log_level and flood or silence the log.
  delete env.RUST_LOG;
  if (parsec.libraryPath && !parsec.loader) {
    env.LD_LIBRARY_PATH = [parsec.libraryPath, env.LD_LIBRARY_PATH].filter((p) => p).join(':');
  }
  if (token) env.SOFTHSM2_CONF = token.confPath;
  return env;
}

/**
 * The environment without the variables the spec reads secrets from (a token's PIN, a TPM's owner auth): Parsec gets
 * them through its config file (mode 0600), and its environment need not carry them as well.
 */
export function withoutSecretVariables(env: NodeJS.ProcessEnv, spec: NativeSpec): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const p of spec.providers) {
    if (p.key === 'pkcs11' && p.pin?.kind === 'env') delete out[p.pin.variable];
    if (p.key === 'tpm' && p.ownerAuthEnv !== undefined) delete out[p.ownerAuthEnv];
  }
  return out;
}

/** The command that starts `parsec -c config`: through its own loader when it brings one. */
export function parsecCommand(parsec: ParsecBinary, configPath: string): { command: string; args: string[] } {
  if (parsec.loader) {
    return {
      command: parsec.loader,
      args: ['--library-path', parsec.libraryPath ?? '', parsec.path, '-c', configPath],
    };
  }
  return { command: parsec.path, args: ['-c', configPath] };
}

async function bringUp(
  spec: NativeSpec,
  parsec: ParsecBinary,
  parts: RunParts,
  log: (l: string) => void,
  readyMs: number,
) {
  const { runDir } = parts;
  const socketPath = join(runDir, 'parsec.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new TargetStartError(`socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes; set TMPDIR shorter`);
  }
  const needs = harnessBackendsOf(spec);
  let tokenModule = SOFTHSM2_LIBRARY;
  if (needs.token) {
    const quirk = harnessTokenQuirk(spec);
    parts.token = await createSoftHsmToken(runDir, quirk ? quirkTokenPin(quirk) : undefined);
    parts.secrets.push(parts.token.userPin, parts.token.soPin);
    if (quirk) {
      parts.secrets.push(...pinSecrets(parts.token.appPin));
      tokenModule = (await ensurePkcs11Tools(log)).quirkModule;
      parts.quirkConfig = join(runDir, 'quirk.conf');
      const conf = quirkConfigText({
        quirk,
        module: SOFTHSM2_LIBRARY,
        realPin: parts.token.userPin,
        appPin: parts.token.appPin,
        stateDir: join(runDir, 'tokens'),
      });
      writeFileSync(parts.quirkConfig, conf, { mode: 0o600 });
    }
    log(`SoftHSM2 token ${parts.token.serialNumber} created${quirk ? ` behind the ${quirk} quirk token` : ''}`);
  }
  if (needs.swtpm) {
    parts.swtpm = await startSwtpm(runDir);
    log(`swtpm listening on 127.0.0.1:${parts.swtpm.port}`);
  }
  const backends: ResolvedBackends = {
    ...(parts.token ? { token: parts.token, harnessModule: tokenModule } : {}),
    ...(parts.swtpm ? { swtpmTcti: parts.swtpm.tcti } : {}),
  };
  const config = serviceConfig(spec, backends, {
    allowRoot: process.getuid?.() === 0,
    socketPath,
    sqliteDbPath: join(runDir, 'kim-mappings.sqlite3'),
  });
  parts.secrets.push(...config.secrets);
  parts.configuredPin = configuredPkcs11Pin(config.value);
  const configPath = join(runDir, 'config.toml');
  // It may hold the token's user PIN or the TPM's owner auth.
  writeFileSync(configPath, renderParsecConfig(config.value), { mode: 0o600 });

  const { command, args } = parsecCommand(parsec, configPath);
  const env = {
    ...withoutSecretVariables(parsecEnv(parsec, parts.token), spec),
    ...(parts.quirkConfig ? { [QUIRK_CONFIG_ENV]: parts.quirkConfig } : {}),
  };
  const logPath = join(runDir, 'parsec.log');
  parts.launch = {
    runDir,
    socketPath,
    configPath,
    logPath,
    env,
    config: config.value,
    commandFor: (path) => parsecCommand(parsec, path),
  };
  const proc = spawnWatched(command, args, { cwd: runDir, env, logPath });
  parts.parsec = proc;
  const ready = await waitForPing(socketPath, {
    timeoutMs: readyMs,
    gone: () => {
      const exit = proc.exitInfo();
      if (!exit) return undefined;
      return `Parsec exited ${exit.code !== null ? `with code ${exit.code}` : `on signal ${exit.signal}`}`;
    },
  });
  if (!ready.ok) throw new TargetStartError(ready.reason);
}

/**
 * Starts Parsec natively as the spec says (with swtpm and a SoftHSM2 token of its own where the spec does not name a
 * TPM or a token) in a fresh run dir, ready once it answers Ping. On any failure everything started is stopped, the
 * run dir removed, and a TargetStartError thrown that carries the relevant log tails.
 */
export async function startNativeTarget(spec: NativeSpec, o: StartOptions = {}): Promise<NativeTarget> {
  const log = o.log ?? (() => undefined);
  // Setup (packages, a download, a source build) is not bring-up: the clock starts once the binary is there.
  const parsec = await resolveNativeParsec(spec, log);
  const started = Date.now();
  sweepStaleRunDirs({ log });
  const runDir = createRunDir();
  const parts: RunParts = { runDir, secrets: [] };
  parts.unregister = registerCleanup(() => rmSync(runDir, { recursive: true, force: true }));

  try {
    await bringUp(spec, parsec, parts, log, o.readyTimeoutMs ?? 15_000);
  } catch (err) {
    // Logs first: stopping the processes and removing the run dir destroys them.
    await parts.parsec?.stop();
    const logs = Object.fromEntries(
      logsOf(parts).map((l) => [`${l.name}.log`, tailFile(l.path, LOG_TAIL_LINES, parts.secrets)]),
    );
    const token = observationsOf(parts);
    await teardown(parts);
    const failure =
      err instanceof TargetStartError
        ? new TargetStartError(redact(err.reason, parts.secrets), { ...logs, ...err.logs }, token)
        : new TargetStartError(
            `native target start failed: ${redact((err as Error).message, parts.secrets)}`,
            logs,
            token,
          );
    failure.backends = await nativeBackendVersions(spec, parsec).catch(() => undefined);
    throw failure;
  }
  const startupMs = Date.now() - started;
  let versions: TargetVersions;
  try {
    versions = {
      parsec: {
        version: await parsecVersionOf(join(runDir, 'parsec.sock')),
        source: describeParsecSource(spec.parsec),
        binary: parsec.path,
        ...(parsec.packageVersion ? { packageVersion: parsec.packageVersion } : {}),
        ...(spec.parsec.from === 'build' ? { features: spec.parsec.features } : {}),
      },
      backends: await nativeBackendVersions(spec, parsec),
    };
  } catch (e) {
    await teardown(parts);
    throw new TargetStartError(`Parsec answered Ping but not ListProviders: ${(e as Error).message}`);
  }
  log(`Parsec ${versions.parsec.version} (${versions.parsec.source}) answered Ping after ${startupMs} ms in ${runDir}`);
  return new NativeTarget(spec, authenticatorOf(spec.authenticator).client, versions, startupMs, parts);
}
