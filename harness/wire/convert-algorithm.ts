import { AEAD_VALUES, CIPHER_VALUES, HASH_VALUES, RAW_KEY_AGREEMENT_VALUES } from './convert-enums';
import { ProtoReader, withoutDefaults } from './proto-object';
import type { ProtoObject } from './protobuf';
import type {
  Aead,
  Algorithm,
  AsymmetricEncryption,
  AsymmetricSignature,
  Cipher,
  Hash,
  KeyAgreement,
  KeyDerivation,
  Mac,
  RawKeyAgreement,
  SignHash,
} from './types';

// Plain algorithms ⇄ `parsec.psa_algorithm.Algorithm` objects. Empty oneof members are written as `{}` so
// they are emitted as tag + length 0 (reference B4).

export const hashToProto = (hash: Hash): number => HASH_VALUES[hash];
export const hashFromProto = (r: ProtoReader, field: string): Hash => r.enumValue(field, HASH_VALUES, 'Hash');
export const cipherToProto = (cipher: Cipher): number => CIPHER_VALUES[cipher];
export const cipherFromProto = (r: ProtoReader, field: string): Cipher => r.enumValue(field, CIPHER_VALUES, 'Cipher');
export const rawKeyAgreementToProto = (alg: RawKeyAgreement): number => RAW_KEY_AGREEMENT_VALUES[alg];
export const rawKeyAgreementFromProto = (r: ProtoReader, field: string): RawKeyAgreement =>
  r.enumValue(field, RAW_KEY_AGREEMENT_VALUES, 'KeyAgreement.Raw');

function signHashToProto(hash: SignHash): ProtoObject {
  return hash === 'any' ? { any: {} } : { specific: hashToProto(hash) };
}

function signHashFromProto(r: ProtoReader): SignHash {
  return r.oneof('variant', ['any', 'specific']) === 'any' ? 'any' : hashFromProto(r, 'specific');
}

export function asymmetricSignatureToProto(alg: AsymmetricSignature): ProtoObject {
  switch (alg.alg) {
    case 'RsaPkcs1v15Sign':
      return { rsa_pkcs1v15_sign: { hash_alg: signHashToProto(alg.hash) } };
    case 'RsaPkcs1v15SignRaw':
      return { rsa_pkcs1v15_sign_raw: {} };
    case 'RsaPss':
      return { rsa_pss: { hash_alg: signHashToProto(alg.hash) } };
    case 'Ecdsa':
      return { ecdsa: { hash_alg: signHashToProto(alg.hash) } };
    case 'EcdsaAny':
      return { ecdsa_any: {} };
    case 'DeterministicEcdsa':
      return { deterministic_ecdsa: { hash_alg: signHashToProto(alg.hash) } };
  }
}

export function asymmetricSignatureFromProto(r: ProtoReader): AsymmetricSignature {
  const member = r.oneof('variant', [
    'rsa_pkcs1v15_sign',
    'rsa_pkcs1v15_sign_raw',
    'rsa_pss',
    'ecdsa',
    'ecdsa_any',
    'deterministic_ecdsa',
  ]);
  const hashOf = () => signHashFromProto(r.message(member).message('hash_alg'));
  switch (member) {
    case 'rsa_pkcs1v15_sign':
      return { alg: 'RsaPkcs1v15Sign', hash: hashOf() };
    case 'rsa_pkcs1v15_sign_raw':
      return { alg: 'RsaPkcs1v15SignRaw' };
    case 'rsa_pss':
      return { alg: 'RsaPss', hash: hashOf() };
    case 'ecdsa':
      return { alg: 'Ecdsa', hash: hashOf() };
    case 'ecdsa_any':
      return { alg: 'EcdsaAny' };
    default:
      return { alg: 'DeterministicEcdsa', hash: hashOf() };
  }
}

export function asymmetricEncryptionToProto(alg: AsymmetricEncryption): ProtoObject {
  return alg.alg === 'RsaPkcs1v15Crypt'
    ? { rsa_pkcs1v15_crypt: {} }
    : { rsa_oaep: withoutDefaults({ hash_alg: hashToProto(alg.hash) }) };
}

export function asymmetricEncryptionFromProto(r: ProtoReader): AsymmetricEncryption {
  return r.oneof('variant', ['rsa_pkcs1v15_crypt', 'rsa_oaep']) === 'rsa_pkcs1v15_crypt'
    ? { alg: 'RsaPkcs1v15Crypt' }
    : { alg: 'RsaOaep', hash: hashFromProto(r.message('rsa_oaep'), 'hash_alg') };
}

export function aeadToProto(alg: Aead): ProtoObject {
  const base = AEAD_VALUES[alg.alg];
  return alg.tagLength === undefined
    ? { aead_with_default_length_tag: base }
    : { aead_with_shortened_tag: withoutDefaults({ aead_alg: base, tag_length: alg.tagLength }) };
}

export function aeadFromProto(r: ProtoReader): Aead {
  if (
    r.oneof('variant', ['aead_with_default_length_tag', 'aead_with_shortened_tag']) === 'aead_with_default_length_tag'
  ) {
    return { alg: r.enumValue('aead_with_default_length_tag', AEAD_VALUES, 'AeadWithDefaultLengthTag') };
  }
  const shortened = r.message('aead_with_shortened_tag');
  return {
    alg: shortened.enumValue('aead_alg', AEAD_VALUES, 'AeadWithDefaultLengthTag'),
    tagLength: shortened.uint('tag_length'),
  };
}

function fullLengthMacToProto(alg: Mac): ProtoObject {
  switch (alg.alg) {
    case 'Hmac':
      return { hmac: { hash_alg: hashToProto(alg.hash) } };
    case 'CbcMac':
      return { cbc_mac: {} };
    case 'Cmac':
      return { cmac: {} };
  }
}

export function macToProto(alg: Mac): ProtoObject {
  const full = fullLengthMacToProto(alg);
  return alg.macLength === undefined
    ? { full_length: full }
    : { truncated: withoutDefaults({ mac_alg: full, mac_length: alg.macLength }) };
}

export function macFromProto(r: ProtoReader): Mac {
  const truncated = r.oneof('variant', ['full_length', 'truncated']) === 'truncated';
  const full = truncated ? r.message('truncated').message('mac_alg') : r.message('full_length');
  const macLength = truncated ? { macLength: r.message('truncated').uint('mac_length') } : {};
  switch (full.oneof('variant', ['hmac', 'cbc_mac', 'cmac'])) {
    case 'hmac':
      return { alg: 'Hmac', hash: hashFromProto(full.message('hmac'), 'hash_alg'), ...macLength };
    case 'cbc_mac':
      return { alg: 'CbcMac', ...macLength };
    default:
      return { alg: 'Cmac', ...macLength };
  }
}

const KDF_MEMBERS = { Hkdf: 'hkdf', Tls12Prf: 'tls12_prf', Tls12PskToMs: 'tls12_psk_to_ms' } as const;

export function keyDerivationToProto(alg: KeyDerivation): ProtoObject {
  return { [KDF_MEMBERS[alg.alg]]: { hash_alg: hashToProto(alg.hash) } };
}

export function keyDerivationFromProto(r: ProtoReader): KeyDerivation {
  const member = r.oneof('variant', Object.values(KDF_MEMBERS));
  const alg = (Object.keys(KDF_MEMBERS) as KeyDerivation['alg'][]).find((k) => KDF_MEMBERS[k] === member)!;
  return { alg, hash: hashFromProto(r.message(member), 'hash_alg') };
}

export function keyAgreementToProto(alg: KeyAgreement): ProtoObject {
  return alg.kdf === undefined
    ? { raw: rawKeyAgreementToProto(alg.alg) }
    : {
        with_key_derivation: { ka_alg: rawKeyAgreementToProto(alg.alg), kdf_alg: keyDerivationToProto(alg.kdf) },
      };
}

export function keyAgreementFromProto(r: ProtoReader): KeyAgreement {
  if (r.oneof('variant', ['raw', 'with_key_derivation']) === 'raw') return { alg: rawKeyAgreementFromProto(r, 'raw') };
  const wkd = r.message('with_key_derivation');
  return { alg: rawKeyAgreementFromProto(wkd, 'ka_alg'), kdf: keyDerivationFromProto(wkd.message('kdf_alg')) };
}

export function algorithmToProto(alg: Algorithm): ProtoObject {
  switch (alg.alg) {
    case 'None':
      return { none: {} };
    case 'Hash':
      return { hash: hashToProto(alg.hash) };
    case 'Hmac':
    case 'CbcMac':
    case 'Cmac':
      return { mac: macToProto(alg) };
    case 'Cipher':
      return { cipher: cipherToProto(alg.cipher) };
    case 'Ccm':
    case 'Gcm':
    case 'Chacha20Poly1305':
      return { aead: aeadToProto(alg) };
    case 'RsaPkcs1v15Sign':
    case 'RsaPkcs1v15SignRaw':
    case 'RsaPss':
    case 'Ecdsa':
    case 'EcdsaAny':
    case 'DeterministicEcdsa':
      return { asymmetric_signature: asymmetricSignatureToProto(alg) };
    case 'RsaPkcs1v15Crypt':
    case 'RsaOaep':
      return { asymmetric_encryption: asymmetricEncryptionToProto(alg) };
    case 'Ffdh':
    case 'Ecdh':
      return { key_agreement: keyAgreementToProto(alg) };
    case 'Hkdf':
    case 'Tls12Prf':
    case 'Tls12PskToMs':
      return { key_derivation: keyDerivationToProto(alg) };
  }
}

export function algorithmFromProto(r: ProtoReader): Algorithm {
  const member = r.oneof('variant', [
    'none',
    'hash',
    'mac',
    'cipher',
    'aead',
    'asymmetric_signature',
    'asymmetric_encryption',
    'key_agreement',
    'key_derivation',
  ]);
  switch (member) {
    case 'none':
      return { alg: 'None' };
    case 'hash':
      return { alg: 'Hash', hash: hashFromProto(r, 'hash') };
    case 'mac':
      return macFromProto(r.message('mac'));
    case 'cipher':
      return { alg: 'Cipher', cipher: cipherFromProto(r, 'cipher') };
    case 'aead':
      return aeadFromProto(r.message('aead'));
    case 'asymmetric_signature':
      return asymmetricSignatureFromProto(r.message(member));
    case 'asymmetric_encryption':
      return asymmetricEncryptionFromProto(r.message(member));
    case 'key_agreement':
      return keyAgreementFromProto(r.message(member));
    default:
      return keyDerivationFromProto(r.message('key_derivation'));
  }
}
