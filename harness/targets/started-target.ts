import type { ProviderKey } from '../model/providers';
import type { BackendControls } from './backend-controls';
import type { ServiceControl } from './service-control';
import type { TargetLog } from './logs';
import type { TokenObservations } from './token-observations';
import type { TargetKind, TargetSpec } from './spec';

/** How the harness authenticates to the service it started or attached to. Secrets never appear here. */
export type ClientAuth = { kind: 'none' } | { kind: 'direct'; appName: string } | { kind: 'unix-peer' };

/** The Parsec that runs, as far as the target knows it. The version is the service's own answer (ListProviders). */
export interface ParsecBuildInfo {
  /** Core provider's version from ListProviders, e.g. '1.4.1'. */
  readonly version: string;
  /** Where it came from, e.g. 'debian:trixie', 'binary:/opt/parsec', 'build:trixie+direct-authenticator'. */
  readonly source: string;
  /** The executable on this machine, when it runs here. */
  readonly binary?: string;
  /** The image it runs from, when it runs in a container. */
  readonly image?: string;
  /** Debian package version, when it came from one. */
  readonly packageVersion?: string;
  /** Cargo features it was built with, when the harness knows them (its own source builds). */
  readonly features?: readonly string[];
}

export interface TargetVersions {
  readonly parsec: ParsecBuildInfo;
  /**
   * Each backend's version as its package names it, keyed by component: softhsm2, p11-kit, swtpm, libtpms, tpm2-tss,
   * mbedtls, or `pkcs11-module` / `tcti` for a token or TPM of the user's.
   */
  readonly backends: Readonly<Record<string, string>>;
}

export interface StopOptions {
  /** Before anything is removed, copy every log (redacted) into this folder as `<logPrefix><name>.log`. */
  readonly keepLogsIn?: string;
  readonly logPrefix?: string;
}

/**
 * What every factory returns, whatever runs the service: how to connect, what it offers, its versions, its logs,
 * and how to stop it. Stopping is idempotent and also happens at process exit, on Ctrl-C and SIGTERM.
 */
export interface StartedTarget extends AsyncDisposable {
  readonly kind: TargetKind;
  /** The spec it was started from. */
  readonly spec: TargetSpec;
  /** Parsec's Unix socket on this machine: the only way tests reach the service. */
  readonly socketPath: string;
  /** Authenticator the service was configured with (or discovered, when attached). */
  readonly auth: ClientAuth;
  /** Crypto providers under test, in priority order. */
  readonly providers: readonly ProviderKey[];
  readonly versions: TargetVersions;
  /** Milliseconds from the factory call to the first successful Ping. */
  readonly startupMs: number;
  /** Parsec's log first, then each backend's: files on this machine while the target runs; none when attached. */
  logs(): readonly TargetLog[];
  /** The last lines of Parsec's log, redacted; still available after stop(). */
  logTail(lines?: number): string;
  /** The text with every secret this target's logs could carry (PINs, owner auth) replaced, for reports of its logs. */
  redact(text: string): string;
  stop(options?: StopOptions): Promise<void>;
  /** What the harness's quirk token saw of the service (its login attempts), when the target has one. */
  tokenObservations?(): TokenObservations | undefined;
  /** Faults in the backends the target started itself (kill or freeze swtpm, TPM reset, token removed or read-only). */
  readonly backendControls?: BackendControls;
  /** Restart, signals, config rewrites, key store and socket paths of the service itself, where the kind offers them. */
  readonly control?: ServiceControl;
}
