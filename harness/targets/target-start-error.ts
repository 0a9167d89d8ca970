import type { TokenObservations } from './token-observations';

/** The target did not come up. The message names what failed and carries the log excerpts that explain it. */
export class TargetStartError extends Error {
  override readonly name = 'TargetStartError';
  /** The backends' versions, when the factory could read them before giving up: a failed run's report records them. */
  backends?: Readonly<Record<string, string>>;

  constructor(
    /** One line: what failed, e.g. "Parsec exited with code 1 before answering Ping". */
    readonly reason: string,
    /** Labelled log excerpts (already redacted), e.g. { 'parsec.log': '...' }. */
    readonly logs: Readonly<Record<string, string>> = {},
    /** What the harness's quirk token saw before the service gave up (its login attempts), when it had one. */
    readonly token?: TokenObservations,
  ) {
    super(
      [
        reason,
        ...Object.entries(logs)
          .filter(([, text]) => text.length > 0)
          .map(([name, text]) => `--- last lines of ${name} ---\n${text}`),
      ].join('\n'),
    );
  }
}
