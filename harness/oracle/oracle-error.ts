/** An independent check disagreed with the service: the message says what was checked, expected and got. */
export class OracleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OracleError';
  }
}
