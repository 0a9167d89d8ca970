import {
  constants,
  createCipheriv,
  createDecipheriv,
  privateDecrypt,
  publicEncrypt,
  type CipherCCM,
  type CipherCCMTypes,
  type CipherGCM,
  type CipherGCMTypes,
  type DecipherCCM,
  type DecipherGCM,
  type KeyObject,
} from 'node:crypto';
import type { Aead, AsymmetricEncryption, Cipher, Hash } from '../wire';
import { OracleError } from './oracle-error';

// ------------------------------------------------------------------------------------------------- RSA

const HASH_BYTES: Partial<Record<Hash, number>> = { Sha1: 20, Sha224: 28, Sha256: 32, Sha384: 48, Sha512: 64 };
const NODE_HASH: Partial<Record<Hash, string>> = {
  Sha1: 'sha1',
  Sha224: 'sha224',
  Sha256: 'sha256',
  Sha384: 'sha384',
  Sha512: 'sha512',
};

function nodeHash(hash: Hash): string {
  const name = NODE_HASH[hash];
  if (!name) throw new OracleError(`the oracle has no OAEP hash ${hash}`);
  return name;
}

/** "PKCS#1 v1.5" or "OAEP SHA-256": how titles and messages name an RSA encryption algorithm. */
export function rsaEncryptionName(alg: AsymmetricEncryption): string {
  return alg.alg === 'RsaPkcs1v15Crypt' ? 'PKCS#1 v1.5' : `OAEP ${alg.hash.replace('Sha', 'SHA-')}`;
}

/** RFC 8017: k − 11 bytes for RSAES-PKCS1-v1_5, k − 2·hLen − 2 for RSAES-OAEP (k = modulus length in bytes). */
export function rsaMaxPlaintext(alg: AsymmetricEncryption, modulusBits: number): number {
  const k = Math.ceil(modulusBits / 8);
  if (alg.alg === 'RsaPkcs1v15Crypt') return k - 11;
  const hLen = HASH_BYTES[alg.hash];
  if (hLen === undefined) throw new OracleError(`the oracle has no OAEP hash ${alg.hash}`);
  return k - 2 * hLen - 2;
}

function rsaOptions(key: KeyObject, alg: AsymmetricEncryption, label?: Uint8Array) {
  if (alg.alg === 'RsaPkcs1v15Crypt') return { key, padding: constants.RSA_PKCS1_PADDING };
  return {
    key,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: nodeHash(alg.hash),
    ...(label && label.length > 0 ? { oaepLabel: Buffer.from(label) } : {}),
  };
}

/** Encrypts outside the service, for the service to decrypt. */
export function rsaEncrypt(
  publicKey: KeyObject,
  alg: AsymmetricEncryption,
  plaintext: Uint8Array,
  label?: Uint8Array,
): Buffer {
  return publicEncrypt(rsaOptions(publicKey, alg, label), plaintext);
}

/**
 * RFC 8017 7.2.2 EME-PKCS1-v1_5 decoding: EM = 0x00 || 0x02 || PS (at least 8 non-zero bytes) || 0x00 || M. Node
 * refuses PKCS#1 v1.5 private decryption since CVE-2023-46809, so the oracle does the raw RSA step and decodes here
 * (timing does not matter for a test oracle).
 */
function pkcs1v15Unpad(em: Buffer): Buffer {
  const sep = em.indexOf(0x00, 2);
  if (em[0] !== 0x00 || em[1] !== 0x02 || sep < 10) {
    throw new OracleError(`EME-PKCS1-v1_5 encoding is malformed (starts ${em.subarray(0, 2).toString('hex')})`);
  }
  return em.subarray(sep + 1);
}

/**
 * Checks a ciphertext the service made: it must be one modulus long and decrypt outside, with the same algorithm
 * and label, to exactly the plaintext that was sent.
 */
export function expectRsaCiphertext(
  privateKey: KeyObject,
  alg: AsymmetricEncryption,
  ciphertext: Uint8Array,
  plaintext: Uint8Array,
  label?: Uint8Array,
): void {
  const name = rsaEncryptionName(alg);
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (ciphertext.length !== Math.ceil(bits / 8)) {
    throw new OracleError(
      `RSA ${bits} ${name} ciphertext must be ${Math.ceil(bits / 8)} bytes, got ${ciphertext.length}`,
    );
  }
  let got: Buffer;
  try {
    got =
      alg.alg === 'RsaPkcs1v15Crypt'
        ? pkcs1v15Unpad(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext))
        : privateDecrypt(rsaOptions(privateKey, alg, label), ciphertext);
  } catch (e) {
    throw new OracleError(`RSA ${bits} ${name} ciphertext does not decrypt outside: ${(e as Error).message}`);
  }
  if (!got.equals(Buffer.from(plaintext))) {
    throw new OracleError(
      `RSA ${bits} ${name} ciphertext decrypts outside to ${got.length} bytes that differ from the ${plaintext.length} bytes sent`,
    );
  }
}

// ------------------------------------------------------------------------------------------------ AEAD

/** "GCM", "CCM with an 8-byte tag", "ChaCha20-Poly1305". */
export function aeadName(alg: Aead): string {
  const base = alg.alg === 'Chacha20Poly1305' ? 'ChaCha20-Poly1305' : alg.alg.toUpperCase();
  return alg.tagLength === undefined ? base : `${base} with a ${alg.tagLength}-byte tag`;
}

export function aeadTagLength(alg: Aead): number {
  return alg.tagLength ?? 16;
}

export interface AeadInput {
  readonly alg: Aead;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
  readonly aad: Uint8Array;
}

function nodeAeadName(alg: Aead, keyBytes: number): string {
  if (alg.alg === 'Chacha20Poly1305') return 'chacha20-poly1305';
  return `aes-${keyBytes * 8}-${alg.alg.toLowerCase()}`;
}

/** Node's AEAD encryption: ciphertext with the tag appended, as PsaAeadEncrypt answers. */
export function aeadEncrypt(input: AeadInput, plaintext: Uint8Array): Buffer {
  const authTagLength = aeadTagLength(input.alg);
  const name = nodeAeadName(input.alg, input.key.length);
  try {
    let cipher: CipherCCM | CipherGCM;
    if (input.alg.alg === 'Ccm') {
      const ccm = createCipheriv(name as CipherCCMTypes, input.key, input.nonce, { authTagLength });
      ccm.setAAD(input.aad, { plaintextLength: plaintext.length });
      cipher = ccm;
    } else {
      cipher = createCipheriv(name as CipherGCMTypes, input.key, input.nonce, { authTagLength });
      cipher.setAAD(input.aad, { plaintextLength: plaintext.length });
    }
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } catch (e) {
    throw new OracleError(`the oracle cannot ${aeadName(input.alg)}-encrypt with ${name}: ${(e as Error).message}`);
  }
}

/** Node's AEAD decryption of ciphertext||tag; an authentication failure is an OracleError. */
export function aeadDecrypt(input: AeadInput, ciphertext: Uint8Array): Buffer {
  const tagLength = aeadTagLength(input.alg);
  const what = `${aeadName(input.alg)} (${input.key.length * 8}-bit key, ${input.nonce.length}-byte nonce)`;
  if (ciphertext.length < tagLength) {
    throw new OracleError(`${what} ciphertext must hold the ${tagLength}-byte tag, got ${ciphertext.length} bytes`);
  }
  const body = ciphertext.subarray(0, ciphertext.length - tagLength);
  const tag = ciphertext.subarray(ciphertext.length - tagLength);
  const name = nodeAeadName(input.alg, input.key.length);
  try {
    let decipher: DecipherCCM | DecipherGCM;
    if (input.alg.alg === 'Ccm') {
      const ccm = createDecipheriv(name as CipherCCMTypes, input.key, input.nonce, { authTagLength: tagLength });
      ccm.setAuthTag(tag);
      ccm.setAAD(input.aad, { plaintextLength: body.length });
      decipher = ccm;
    } else {
      decipher = createDecipheriv(name as CipherGCMTypes, input.key, input.nonce, { authTagLength: tagLength });
      decipher.setAuthTag(tag);
      decipher.setAAD(input.aad, { plaintextLength: body.length });
    }
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (e) {
    throw new OracleError(`${what} ciphertext does not authenticate outside: ${(e as Error).message}`);
  }
}

/**
 * Checks a ciphertext the service made: AEAD is deterministic for a key, nonce and AAD, so it must equal Node's
 * bytes, and it must authenticate and decrypt outside to the plaintext that was sent.
 */
export function expectAeadCiphertext(input: AeadInput, plaintext: Uint8Array, ciphertext: Uint8Array): void {
  const got = aeadDecrypt(input, ciphertext);
  if (!got.equals(Buffer.from(plaintext))) {
    throw new OracleError(`${aeadName(input.alg)} ciphertext decrypts outside to bytes that differ from the plaintext`);
  }
  const expected = aeadEncrypt(input, plaintext);
  if (!expected.equals(Buffer.from(ciphertext))) {
    throw new OracleError(
      `${aeadName(input.alg)} ciphertext differs from the oracle's: expected ${expected.toString('hex')}, got ${Buffer.from(ciphertext).toString('hex')}`,
    );
  }
}

// ----------------------------------------------------------------------------------------- plain ciphers

const CIPHER_MODES: Partial<Record<Cipher, { node: string; iv: boolean; block: boolean }>> = {
  Ctr: { node: 'ctr', iv: true, block: false },
  Cfb: { node: 'cfb', iv: true, block: false },
  Ofb: { node: 'ofb', iv: true, block: false },
  EcbNoPadding: { node: 'ecb', iv: false, block: true },
  CbcNoPadding: { node: 'cbc', iv: true, block: true },
  CbcPkcs7: { node: 'cbc', iv: true, block: false },
};

function cipherSpec(mode: Cipher): { node: string; iv: boolean; block: boolean } {
  const spec = CIPHER_MODES[mode];
  if (!spec) throw new OracleError(`the oracle has no AES mode ${mode}`);
  return spec;
}

/** Decrypts the service's AES output outside; for IV modes the first 16 bytes are the IV (PSA's layout). */
export function aesCipherDecrypt(mode: Cipher, key: Uint8Array, output: Uint8Array): Buffer {
  const spec = cipherSpec(mode);
  const iv = spec.iv ? output.subarray(0, 16) : null;
  const body = spec.iv ? output.subarray(16) : output;
  try {
    const d = createDecipheriv(`aes-${key.length * 8}-${spec.node}`, key, iv);
    d.setAutoPadding(mode === 'CbcPkcs7');
    return Buffer.concat([d.update(body), d.final()]);
  } catch (e) {
    throw new OracleError(`AES ${mode} output does not decrypt outside: ${(e as Error).message}`);
  }
}

/** Encrypts outside in PSA's layout (IV first for IV modes), for the service to decrypt. */
export function aesCipherEncrypt(mode: Cipher, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const spec = cipherSpec(mode);
  const c = createCipheriv(`aes-${key.length * 8}-${spec.node}`, key, spec.iv ? iv : null);
  c.setAutoPadding(mode === 'CbcPkcs7');
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return spec.iv ? Buffer.concat([iv, body]) : body;
}
