import { createHmac } from 'node:crypto';
import { AttestationError } from './attestation-error';

/**
 * KDFa (TPM 2.0 Part 1, 11.4.10.2): SP 800-108 counter mode with HMAC. Each block is
 * HMAC(key, [i]32 || label || 0x00 || contextU || contextV || [bits]32). The label is a string; its terminating
 * NUL is part of the input, as the TPM reference code adds it.
 */
export function kdfa(
  hash: string,
  key: Uint8Array,
  label: string,
  contextU: Uint8Array,
  contextV: Uint8Array,
  bits: number,
): Buffer {
  if (!Number.isInteger(bits) || bits <= 0 || bits % 8 !== 0) {
    throw new AttestationError(`KDFa: output size must be a positive multiple of 8 bits, got ${bits}`);
  }
  const bitsField = Buffer.alloc(4);
  bitsField.writeUInt32BE(bits, 0);
  const fixed = Buffer.concat([Buffer.from(`${label}\0`, 'latin1'), contextU, contextV, bitsField]);
  const blocks: Buffer[] = [];
  let produced = 0;
  for (let i = 1; produced < bits / 8; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i, 0);
    const block = createHmac(hash, key).update(counter).update(fixed).digest();
    blocks.push(block);
    produced += block.length;
  }
  return Buffer.concat(blocks).subarray(0, bits / 8);
}
