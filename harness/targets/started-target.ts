import type { ProviderKey } from '../model/providers';

/** How the harness authenticates to the service it started or attached to. Secrets never appear here. */
export type ClientAuth = { kind: 'none' } | { kind: 'direct'; appName: string } | { kind: 'unix-peer' };

export type { ParsecBinary } from '../setup/parsec-binary';
import type { ParsecBinary } from '../setup/parsec-binary';

export interface NativeTargetOptions {
  readonly parsec: ParsecBinary;
  /** Crypto providers to configure, in priority order. */
  readonly providers: readonly ProviderKey[];
  /** Authenticator to configure; defaults to Unix peer credentials. */
  readonly authenticator?: 'UnixPeerCredentials' | 'Direct';
  /** Admin names for the authenticator (e.g. "0" for root with Unix peer credentials). */
  readonly admins?: readonly string[];
  /** Milliseconds to wait for the service to answer Ping before giving up (default 15000). */
  readonly readyTimeoutMs?: number;
  /** Progress lines (never secrets). */
  readonly log?: (line: string) => void;
}

/** A started target. Stopping is idempotent and also happens on process exit / SIGINT / SIGTERM. */
export interface StartedTarget extends AsyncDisposable {
  readonly kind: 'native' | 'external';
  readonly socketPath: string;
  /** Authenticator the service was configured with. */
  readonly auth: ClientAuth;
  readonly parsec: ParsecBinary;
  readonly providers: readonly ProviderKey[];
  /** Per-run working directory (config, logs, key store, token and TPM state), removed on stop; '' when external. */
  readonly workDir: string;
  /** Path of the service's log (inside workDir while running); '' when the harness has no access to it. */
  readonly logPath: string;
  /** The last `lines` lines of the service log, for error messages. */
  logTail(lines?: number): string;
  /** Milliseconds from start() call to the first successful Ping. */
  readonly startupMs: number;
  /** Stops everything and removes workDir; `keepLogAt` first saves a (PIN-redacted) copy of the service log. */
  stop(options?: { keepLogAt?: string }): Promise<void>;
}
