import { createHash } from 'node:crypto';
import { AttestationError } from './attestation-error';
import { TPM_HASHES, TpmAlg } from './tpm-alg';
import { TpmReader } from './tpm-reader';

/** The symmetric algorithm of a storage key's parameters (TPMT_SYM_DEF_OBJECT); null when TPM_ALG_NULL. */
export interface TpmSymDef {
  readonly algorithm: number;
  readonly keyBits: number;
  readonly mode: number;
}

/** The fields of a TPMT_PUBLIC (TPM 2.0 Part 2, 12.2.4) for RSA and ECC objects. */
export type TpmPublic = {
  readonly nameAlg: number;
  readonly objectAttributes: number;
  readonly authPolicy: Buffer;
  readonly symmetric: TpmSymDef | null;
  /** Signing or decryption scheme and its hash (0 when the scheme is TPM_ALG_NULL). */
  readonly scheme: { readonly scheme: number; readonly hashAlg: number };
} & (
  | { readonly type: 'rsa'; readonly keyBits: number; readonly exponent: number; readonly modulus: Buffer }
  | { readonly type: 'ecc'; readonly curveId: number; readonly kdf: number; readonly x: Buffer; readonly y: Buffer }
);

/** TPM_ECC_CURVE values (Part 2, table 10) by the size of their coordinates. */
export const TPM_ECC_CURVES: Readonly<Record<number, { readonly name: string; readonly coordBytes: number }>> = {
  0x0001: { name: 'NIST P-192', coordBytes: 24 },
  0x0002: { name: 'NIST P-224', coordBytes: 28 },
  0x0003: { name: 'NIST P-256', coordBytes: 32 },
  0x0004: { name: 'NIST P-384', coordBytes: 48 },
  0x0005: { name: 'NIST P-521', coordBytes: 66 },
  0x0010: { name: 'BN P-256', coordBytes: 32 },
  0x0020: { name: 'SM2 P-256', coordBytes: 32 },
};

function symDef(r: TpmReader): TpmSymDef | null {
  const algorithm = r.u16('parameters.symmetric.algorithm');
  if (algorithm === TpmAlg.Null) return null;
  return { algorithm, keyBits: r.u16('parameters.symmetric.keyBits'), mode: r.u16('parameters.symmetric.mode') };
}

function scheme(r: TpmReader): { scheme: number; hashAlg: number } {
  const s = r.u16('parameters.scheme.scheme');
  return { scheme: s, hashAlg: s === TpmAlg.Null ? 0 : r.u16('parameters.scheme.details.hashAlg') };
}

/**
 * Parses a marshalled TPMT_PUBLIC (what PrepareKeyAttestation returns as `public`: no TPM2B size in front).
 * Only RSA and ECC objects; the whole buffer must be consumed.
 */
export function parseTpmtPublic(bytes: Uint8Array): TpmPublic {
  const r = new TpmReader(Buffer.from(bytes), 'TPMT_PUBLIC');
  const type = r.u16('type');
  const nameAlg = r.u16('nameAlg');
  const objectAttributes = r.u32('objectAttributes');
  const authPolicy = r.sized('authPolicy');
  const base = { nameAlg, objectAttributes, authPolicy };
  if (type === TpmAlg.Rsa) {
    const symmetric = symDef(r);
    const sch = scheme(r);
    const keyBits = r.u16('parameters.keyBits');
    const exponent = r.u32('parameters.exponent');
    const modulus = r.sized('unique.rsa');
    r.end();
    return { ...base, type: 'rsa', symmetric, scheme: sch, keyBits, exponent, modulus };
  }
  if (type === TpmAlg.Ecc) {
    const symmetric = symDef(r);
    const sch = scheme(r);
    const curveId = r.u16('parameters.curveID');
    const kdf = r.u16('parameters.kdf.scheme');
    if (kdf !== TpmAlg.Null) r.u16('parameters.kdf.details.hashAlg');
    const x = r.sized('unique.ecc.x');
    const y = r.sized('unique.ecc.y');
    r.end();
    return { ...base, type: 'ecc', symmetric, scheme: sch, curveId, kdf, x, y };
  }
  throw new AttestationError(`TPMT_PUBLIC: type 0x${type.toString(16).padStart(4, '0')} is neither RSA nor ECC`);
}

/** The TPM Name of an object: nameAlg (2 bytes) || H_nameAlg(marshalled TPMT_PUBLIC) (Part 1, 16). */
export function tpmName(publicArea: Uint8Array): Buffer {
  if (publicArea.length < 4)
    throw new AttestationError(`TPMT_PUBLIC: ${publicArea.length} bytes, too short for a name`);
  const nameAlg = Buffer.from(publicArea).readUInt16BE(2);
  const hash = TPM_HASHES[nameAlg];
  if (!hash) throw new AttestationError(`TPMT_PUBLIC: nameAlg 0x${nameAlg.toString(16)} is not a known hash`);
  const algBytes = Buffer.alloc(2);
  algBytes.writeUInt16BE(nameAlg, 0);
  return Buffer.concat([algBytes, createHash(hash.node).update(publicArea).digest()]);
}
