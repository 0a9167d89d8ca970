import type { PrepareKeyAttestationOutput } from '../wire';
import { parseRsaPublicKey } from '../oracle/keys';
import {
  defaultRsaEkProtector,
  makeCredential,
  type CredentialProtector,
  type MadeCredential,
} from './make-credential';

/**
 * The verifier's side of Parsec's ActivateCredential attestation: the attesting key PrepareKeyAttestation returned
 * (a DER PKCS#1 RSA public key of the TPM's endorsement key) taken with the default EK template.
 */
export function protectorOf(prepared: PrepareKeyAttestationOutput): CredentialProtector {
  return defaultRsaEkProtector(parseRsaPublicKey(prepared.attestingKeyPub).key);
}

/** MakeCredential for the attested key's Name, outside Parsec and outside any TPM. */
export function credentialFor(prepared: PrepareKeyAttestationOutput, credential: Uint8Array): MadeCredential {
  return makeCredential(protectorOf(prepared), prepared.name, credential);
}
