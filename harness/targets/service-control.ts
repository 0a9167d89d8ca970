import type { ProviderKey } from '../model/providers';
import type { ExtraConfig } from './spec';

/** A new config.toml for a running service, made from the one it was started with. */
export interface ConfigRewrite {
  /**
   * The providers the new config lists, by key, in this priority order: a subset of the ones the target was started
   * with (their backends, token and swtpm, stay as they are). Default: as started.
   */
  readonly providers?: readonly ProviderKey[];
  /** Settings merged over the started config's extra settings (`[core_settings]`, `[listener]`). */
  readonly extraConfig?: ExtraConfig;
  /** The SQLite key store's path, as a path on this machine (e.g. in a file system a case mounted). */
  readonly keyStorePath?: string;
  /** Text appended verbatim to the rendered config: for cases about a config Parsec must refuse. */
  readonly appendText?: string;
}

/** How the Parsec process of a target is doing now. */
export type ServiceState =
  { readonly running: true; readonly pid: number } | { readonly running: false; readonly how: string };

/** A second Parsec a case started next to the target's (e.g. on the same socket), owned by the target. */
export interface RivalService {
  readonly socketPath: string;
  /** Whether it came up ('Parsec is ready' in its log) or ended first, within the wait. */
  readonly outcome: 'ready' | 'exited' | 'neither';
  state(): ServiceState;
  /** Its log's last lines, redacted. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface RivalOptions {
  /** The rival's providers, a subset of the target's (default: the target's first). */
  readonly providers?: readonly ProviderKey[];
  /** Its socket; default: the target's own. */
  readonly socketPath?: string;
  readonly waitMs?: number;
}

/**
 * What a lifecycle case does to a running service: restart it on the same state, signal it, rewrite its config, and
 * where its key store and socket are. Optional on a started target: a kind that cannot offer it leaves it out, and
 * the cases that need it skip with the reason the kind gives (`controlUnavailable`).
 */
export interface ServiceControl {
  /** The SQLite key store (the key info manager's file) as a path on this machine. */
  readonly keyStorePath: string;
  /** The folder of Parsec's socket, as a path on this machine. */
  readonly socketDir: string;
  /** Stops Parsec (SIGTERM) and starts it again on the same config, key store, socket, token and TPM; resolves once it answers Ping. */
  restart(): Promise<void>;
  /** Sends a signal to the Parsec process itself (not its watchdog or backends). */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Writes a new config.toml (mode 0600) in place of the current one; Parsec reads it on SIGHUP or a restart. */
  rewriteConfig(change: ConfigRewrite): Promise<void>;
  state(): ServiceState;
  /** Waits until the Parsec process has ended or `ms` have passed; resolves with the state then. */
  waitForExit(ms: number): Promise<ServiceState>;
  /** Starts a second Parsec with its own key store, by default on the same socket; stopped with the target. */
  startRival(options?: RivalOptions): Promise<RivalService>;
}
