/** A TPM structure or credential could not be built or read: the message names the field, expected and got. */
export class AttestationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttestationError';
  }
}
