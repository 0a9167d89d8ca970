import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { AttestationError } from './attestation-error';
import { kdfa } from './kdfa';
import { TpmReader, tpm2b } from './tpm-reader';

/**
 * What MakeCredential needs of the attesting (endorsement) key besides its public key. Parsec hands out only the
 * EK's RSA public key, so the verifier takes these from the default TCG EK template (EK Credential Profile, template
 * L-1): nameAlg SHA-256, symmetric AES-128 CFB.
 */
export interface CredentialProtector {
  readonly publicKey: KeyObject;
  /** Node's name of the protector's nameAlg: the hash of OAEP, KDFa and the integrity HMAC. */
  readonly nameHash: string;
  readonly digestSize: number;
  readonly aesKeyBits: 128 | 192 | 256;
}

export function defaultRsaEkProtector(publicKey: KeyObject): CredentialProtector {
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new AttestationError(`the default EK template is RSA; got a ${publicKey.asymmetricKeyType ?? '?'} key`);
  }
  return { publicKey, nameHash: 'sha256', digestSize: 32, aesKeyBits: 128 };
}

/** The two inputs of TPM2_ActivateCredential, as Parsec's AttestKey takes them: TPM2B contents, no size fields. */
export interface MadeCredential {
  /** TPM2B_ID_OBJECT content: TPM2B_DIGEST integrityHMAC || encIdentity. */
  readonly credentialBlob: Buffer;
  /** TPM2B_ENCRYPTED_SECRET content: the seed, RSA-OAEP encrypted to the protector with label "IDENTITY\0". */
  readonly secret: Buffer;
}

const IDENTITY_LABEL = Buffer.from('IDENTITY\0', 'latin1');

function aesCfb(bits: number): string {
  return `aes-${bits}-cfb`;
}

function keys(p: CredentialProtector, seed: Uint8Array, objectName: Uint8Array): { sym: Buffer; hmac: Buffer } {
  return {
    sym: kdfa(p.nameHash, seed, 'STORAGE', objectName, Buffer.alloc(0), p.aesKeyBits),
    hmac: kdfa(p.nameHash, seed, 'INTEGRITY', Buffer.alloc(0), Buffer.alloc(0), p.digestSize * 8),
  };
}

/**
 * TPM2_MakeCredential done in software (TPM 2.0 Part 1 §24, Part 3 §12.6): a random seed is encrypted to the
 * protector; from it KDFa derives an AES key (label STORAGE, context = the object's Name) that encrypts the credential
 * as a TPM2B with a zero IV in CFB mode, and an HMAC key (label INTEGRITY) that authenticates encIdentity || Name.
 * `seed` is for tests that replay a known seed.
 */
export function makeCredential(
  protector: CredentialProtector,
  objectName: Uint8Array,
  credential: Uint8Array,
  seed: Uint8Array = randomBytes(protector.digestSize),
): MadeCredential {
  if (credential.length > protector.digestSize) {
    throw new AttestationError(
      `a credential is a TPM2B_DIGEST of at most ${protector.digestSize} bytes for this protector, got ${credential.length}`,
    );
  }
  if (seed.length !== protector.digestSize) {
    throw new AttestationError(`the seed must be ${protector.digestSize} bytes, got ${seed.length}`);
  }
  const k = keys(protector, seed, objectName);
  const cipher = createCipheriv(aesCfb(protector.aesKeyBits), k.sym, Buffer.alloc(16));
  const encIdentity = Buffer.concat([cipher.update(tpm2b(credential)), cipher.final()]);
  const integrity = createHmac(protector.nameHash, k.hmac).update(encIdentity).update(objectName).digest();
  const secret = publicEncrypt(
    {
      key: protector.publicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: protector.nameHash,
      oaepLabel: IDENTITY_LABEL,
    },
    seed,
  );
  return { credentialBlob: Buffer.concat([tpm2b(integrity), encIdentity]), secret };
}

/**
 * TPM2_ActivateCredential's checks done in software with the protector's private key, for testing makeCredential
 * against other implementations: recovers the seed, checks the integrity HMAC, returns the credential and the seed.
 */
export function openCredential(
  protector: CredentialProtector,
  privateKey: KeyObject,
  objectName: Uint8Array,
  made: MadeCredential,
): { credential: Buffer; seed: Buffer } {
  const seed = privateDecrypt(
    {
      key: privateKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: protector.nameHash,
      oaepLabel: IDENTITY_LABEL,
    },
    made.secret,
  );
  const r = new TpmReader(made.credentialBlob, 'TPM2B_ID_OBJECT content');
  const integrity = r.sized('integrityHMAC');
  const encIdentity = made.credentialBlob.subarray(made.credentialBlob.length - r.bytesLeft());
  const k = keys(protector, seed, objectName);
  const expected = createHmac(protector.nameHash, k.hmac).update(encIdentity).update(objectName).digest();
  if (integrity.length !== expected.length || !timingSafeEqual(integrity, expected)) {
    throw new AttestationError('credential blob: integrity HMAC does not match (wrong seed, name or tampered blob)');
  }
  const decipher = createDecipheriv(aesCfb(protector.aesKeyBits), k.sym, Buffer.alloc(16));
  const plain = Buffer.concat([decipher.update(encIdentity), decipher.final()]);
  const pr = new TpmReader(plain, 'decrypted credential');
  const credential = pr.sized('credential');
  pr.end();
  return { credential, seed };
}
