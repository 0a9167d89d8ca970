import { keepLogs, redact, tailFile, tailLines, type TargetLog } from './logs';
import type { StartableSpec } from './spec';
import type { ClientAuth, StartedTarget, StopOptions, TargetVersions } from './started-target';

const LOG_TAIL_LINES = 30;
const KEPT_LOG_LINES = 500;

/** What a kind of started service does its own way: where its logs are, how it stops, how it is removed. */
export interface ServiceParts {
  /** Parsec's log first, then each backend's. */
  logs(): readonly TargetLog[];
  /** Ends Parsec (and what would still write to its log). */
  stopService(): Promise<void>;
  /** Ends everything else and removes every trace: processes or containers, files, cleanup registrations. */
  removeAll(): Promise<void>;
  /** Secrets its logs could carry; redacted from every tail and kept copy. */
  readonly secrets: readonly string[];
}

/**
 * The lifecycle every service the harness starts shares, whatever runs it: stop once (Parsec first, so its log is
 * complete), keep the logs redacted, then remove everything; the log tail stays readable after the stop.
 */
export abstract class StartedService<S extends StartableSpec> implements StartedTarget {
  abstract readonly kind: S['kind'];
  abstract readonly socketPath: string;
  private stopping: Promise<void> | undefined;
  private logAfterStop: string | undefined;

  constructor(
    readonly spec: S,
    readonly auth: ClientAuth,
    readonly versions: TargetVersions,
    readonly startupMs: number,
    protected readonly parts: ServiceParts,
  ) {}

  get providers() {
    return this.spec.providers.map((p) => p.key);
  }

  logs(): TargetLog[] {
    return [...this.parts.logs()];
  }

  private parsecLog(lines: number): string {
    const parsec = this.parts.logs().find((l) => l.name === 'parsec');
    return parsec ? tailFile(parsec.path, lines, this.parts.secrets) : '';
  }

  redact(text: string): string {
    return redact(text, this.parts.secrets);
  }

  logTail(lines = LOG_TAIL_LINES): string {
    if (this.logAfterStop !== undefined) return tailLines(this.logAfterStop, lines);
    return this.parsecLog(lines);
  }

  /** Stops Parsec, keeps the logs when asked, removes everything. Idempotent. */
  stop(opts: StopOptions = {}): Promise<void> {
    this.stopping ??= (async () => {
      await this.parts.stopService();
      this.logAfterStop = this.parsecLog(KEPT_LOG_LINES);
      if (opts.keepLogsIn !== undefined) {
        keepLogs(this.logs(), opts.keepLogsIn, opts.logPrefix ?? '', this.parts.secrets);
      }
      await this.parts.removeAll();
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
