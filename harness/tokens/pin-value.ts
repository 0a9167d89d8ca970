/**
 * A PIN as Parsec's `user_pin` writes it, turned into the bytes a token should see: `hex:` then hex digits for bytes
 * (any bytes, NUL and non-UTF-8 ones too), `str:` then text taken literally, anything else as text (UTF-8). The same
 * value works for `probe-token --pin-env` and for `run --pkcs11-module --pin-env`, where Parsec reads it itself.
 */
export function pinBytes(value: string): Buffer {
  if (value.startsWith('hex:')) {
    const hex = value.slice(4);
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) {
      throw new Error('the PIN starts with hex: but the rest is not an even number of hex digits');
    }
    return Buffer.from(hex, 'hex');
  }
  if (value.startsWith('str:')) return Buffer.from(value.slice(4), 'utf8');
  return Buffer.from(value, 'utf8');
}

/** Whether bytes are valid UTF-8 text (a PIN that is not cannot be a Rust String, nor written as plain user_pin). */
export function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
