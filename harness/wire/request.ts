import { inspect } from 'node:util';
import { encodeHeader, type WireHeader } from './header';
import { opcodeName } from './opcodes';

/**
 * One framed request: header, body, auth. The auth bytes live in a private field and every printable form
 * (toString, toJSON, util.inspect) shows only their length, so a request can go into an error or a log.
 */
export class WireRequest {
  readonly #auth: Buffer;

  constructor(
    readonly header: WireHeader,
    readonly body: Buffer,
    auth: Buffer,
  ) {
    this.#auth = auth;
  }

  get authLength(): number {
    return this.#auth.length;
  }

  /** The bytes to put on the socket; the only way the auth field leaves this object. */
  toBytes(): Buffer {
    return Buffer.concat([encodeHeader(this.header), this.body, this.#auth]);
  }

  /** `PsaSignHash on provider 1`, the short form used in error messages. */
  describe(): string {
    return `${opcodeName(this.header.opcode)} on provider ${this.header.provider}`;
  }

  toString(): string {
    return `WireRequest(${this.describe()}, body ${this.body.length} bytes, auth <redacted ${this.#auth.length} bytes>)`;
  }

  toJSON(): object {
    return {
      header: { ...this.header, session: this.header.session.toString() },
      // Bodies can hold imported key material, so only their size is shown.
      body: `${this.body.length} bytes`,
      auth: `<redacted ${this.#auth.length} bytes>`,
    };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
