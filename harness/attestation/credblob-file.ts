import { AttestationError } from './attestation-error';
import type { MadeCredential } from './make-credential';
import { TpmReader } from './tpm-reader';

const MAGIC = 0xbadcc0de;

/**
 * Reads the file tpm2-tools (5.x) `tpm2_makecredential -o` writes: u32 magic 0xBADCC0DE, u32 version 1,
 * TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET. Returns the two TPM2B contents, as Parsec's AttestKey takes them.
 */
export function parseCredblobFile(bytes: Uint8Array): MadeCredential {
  const r = new TpmReader(Buffer.from(bytes), 'tpm2-tools credblob file');
  const magic = r.u32('magic');
  if (magic !== MAGIC)
    throw new AttestationError(`tpm2-tools credblob file: magic 0x${magic.toString(16)}, expected 0xbadcc0de`);
  const version = r.u32('version');
  if (version !== 1) throw new AttestationError(`tpm2-tools credblob file: version ${version}, expected 1`);
  const credentialBlob = r.sized('TPM2B_ID_OBJECT');
  const secret = r.sized('TPM2B_ENCRYPTED_SECRET');
  r.end();
  return { credentialBlob, secret };
}
