export { AttestationError } from './attestation-error';
export { parseCredblobFile } from './credblob-file';
export { kdfa } from './kdfa';
export {
  defaultRsaEkProtector,
  makeCredential,
  openCredential,
  type CredentialProtector,
  type MadeCredential,
} from './make-credential';
export { TPM_HASHES, TpmAlg } from './tpm-alg';
export { TPM_ECC_CURVES, parseTpmtPublic, tpmName, type TpmPublic, type TpmSymDef } from './tpm-public';
export { TpmReader, tpm2b } from './tpm-reader';
export { credentialFor, protectorOf } from './activate-credential-flow';
