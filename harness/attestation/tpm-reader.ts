import { AttestationError } from './attestation-error';

/** Big-endian reader for TPM marshalled structures; every read names the field it is for. */
export class TpmReader {
  private offset = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly what: string,
  ) {}

  private take(n: number, field: string): Buffer {
    if (this.offset + n > this.bytes.length) {
      throw new AttestationError(
        `${this.what}: ${field} needs ${n} bytes at offset ${this.offset}, only ${this.bytes.length - this.offset} left`,
      );
    }
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u16(field: string): number {
    return this.take(2, field).readUInt16BE(0);
  }

  u32(field: string): number {
    return this.take(4, field).readUInt32BE(0);
  }

  /** A TPM2B: u16 size, then that many bytes. */
  sized(field: string): Buffer {
    return Buffer.from(this.take(this.u16(`${field}.size`), field));
  }

  bytesLeft(): number {
    return this.bytes.length - this.offset;
  }

  /** Fails when bytes are left over: a structure must be read exactly. */
  end(): void {
    if (this.bytesLeft() !== 0) {
      throw new AttestationError(`${this.what}: ${this.bytesLeft()} trailing bytes after the structure`);
    }
  }
}

/** u16 size || bytes. */
export function tpm2b(data: Uint8Array): Buffer {
  if (data.length > 0xffff) throw new AttestationError(`a TPM2B holds at most 65535 bytes, got ${data.length}`);
  const size = Buffer.alloc(2);
  size.writeUInt16BE(data.length, 0);
  return Buffer.concat([size, data]);
}
