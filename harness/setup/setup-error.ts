/** A missing prerequisite or a failed provisioning step; the message is one line saying what and how to fix it. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    message: string,
    /** Tool output that explains the failure (apt/dpkg output tail), kept apart from the one-line message. */
    readonly details?: string,
  ) {
    super(message);
  }
}
