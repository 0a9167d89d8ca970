import { decodeOperation, encodeMessage, encodeOperation, type KeyAttributes } from '../../../harness/wire';

// Protobuf bodies written by hand from the field numbers of reference B1-B3, one field per line.
// A tag byte is (field_number << 3) | wire_type, wire type 0 = varint, 2 = length-delimited.

const RSA_2048_SIGN: KeyAttributes = {
  keyType: { type: 'RsaKeyPair' },
  keyBits: 2048,
  policy: { usage: { signHash: true }, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
};

const GENERATE_KEY_BYTES = Buffer.from(
  [
    [0x0a, 0x03], // key_name (1, LEN), 3 bytes
    [0x6b, 0x65, 0x79], //   "key"
    [0x12, 0x17], // attributes (2, LEN), 23 bytes
    [0x0a, 0x02], //   key_type (1, LEN), 2 bytes
    [0x52, 0x00], //     rsa_key_pair (10, LEN), empty message: tag + length 0
    [0x10, 0x80, 0x10], //   key_bits (2, varint) 2048
    [0x1a, 0x0e], //   key_policy (3, LEN), 14 bytes
    [0x0a, 0x02], //     key_usage_flags (1, LEN), 2 bytes
    [0x40, 0x01], //       sign_hash (8, varint) true
    [0x12, 0x08], //     key_algorithm (2, LEN), 8 bytes
    [0x32, 0x06], //       asymmetric_signature (6, LEN), 6 bytes
    [0x0a, 0x04], //         rsa_pkcs1v15_sign (1, LEN), 4 bytes
    [0x0a, 0x02], //           hash_alg (1, LEN) SignHash, 2 bytes
    [0x10, 0x07], //             specific (2, varint) SHA_256 = 7
  ].flat(),
);

describe('protobuf bodies, golden bytes', () => {
  test('ListOpcodes {provider_id: 1} is 08 01', () => {
    const bytes = Buffer.from(
      [
        [0x08, 0x01], // provider_id (1, varint) 1
      ].flat(),
    );
    expect(encodeOperation('ListOpcodes', { providerId: 1 })).toEqual(bytes);
    expect(decodeOperation('ListOpcodes', bytes)).toEqual({ providerId: 1 });
  });

  test('PsaGenerateRandom size 32 is 08 20, as a number or a bigint', () => {
    const bytes = Buffer.from(
      [
        [0x08, 0x20], // size (1, varint u64) 32
      ].flat(),
    );
    expect(encodeOperation('PsaGenerateRandom', { size: 32 })).toEqual(bytes);
    expect(encodeOperation('PsaGenerateRandom', { size: 32n })).toEqual(bytes);
    expect(decodeOperation('PsaGenerateRandom', bytes)).toEqual({ size: 32n });
  });

  test('PsaGenerateRandom keeps the whole u64 range', () => {
    const max = 0xffffffffffffffffn;
    const bytes = encodeOperation('PsaGenerateRandom', { size: max });
    expect(bytes).toEqual(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(decodeOperation('PsaGenerateRandom', bytes)).toEqual({ size: max });
  });

  test('PsaGenerateKey, RSA 2048 sign_hash with PKCS#1 v1.5 SHA-256, encodes to the golden bytes', () => {
    expect(encodeOperation('PsaGenerateKey', { keyName: 'key', attributes: RSA_2048_SIGN })).toEqual(
      GENERATE_KEY_BYTES,
    );
  });

  test('PsaGenerateKey golden bytes decode to the plain operation', () => {
    expect(decodeOperation('PsaGenerateKey', GENERATE_KEY_BYTES)).toEqual({
      keyName: 'key',
      attributes: RSA_2048_SIGN,
    });
  });

  test('an empty mandatory sub-message set to {} is emitted as tag + 00 (protobufjs behaviour relied on)', () => {
    expect(encodeMessage('parsec.psa_key_attributes.KeyType', { rsa_key_pair: {} })).toEqual(
      Buffer.from(
        [
          [0x52, 0x00], // rsa_key_pair (10, LEN), length 0
        ].flat(),
      ),
    );
    expect(
      encodeMessage('parsec.psa_key_attributes.KeyPolicy', { key_usage_flags: {}, key_algorithm: { none: {} } }),
    ).toEqual(
      Buffer.from(
        [
          [0x0a, 0x00], // key_usage_flags (1, LEN), all false: still present, length 0
          [0x12, 0x02], // key_algorithm (2, LEN), 2 bytes
          [0x0a, 0x00], //   none (1, LEN), empty oneof member, length 0
        ].flat(),
      ),
    );
  });

  test('an empty oneof member (rsa_pkcs1v15_crypt) is emitted in an asymmetric encrypt body', () => {
    const bytes = Buffer.from(
      [
        [0x0a, 0x01], // key_name (1, LEN), 1 byte
        [0x6b], //   "k"
        [0x12, 0x02], // alg (2, LEN), 2 bytes
        [0x0a, 0x00], //   rsa_pkcs1v15_crypt (1, LEN), empty
        [0x1a, 0x01], // plaintext (3, LEN), 1 byte
        [0xaa],
      ].flat(),
    );
    const op = { keyName: 'k', alg: { alg: 'RsaPkcs1v15Crypt' } as const, plaintext: Buffer.from([0xaa]) };
    expect(encodeOperation('PsaAsymmetricEncrypt', op)).toEqual(bytes);
    expect(decodeOperation('PsaAsymmetricEncrypt', bytes)).toEqual({ ...op, salt: Buffer.alloc(0) });
  });

  test('PsaHashCompute carries the hash as a bare enum (field 1) and the input in field 2', () => {
    const bytes = Buffer.from(
      [
        [0x08, 0x07], // alg (1, varint) SHA_256
        [0x12, 0x02], // input (2, LEN), 2 bytes
        [0x68, 0x69], //   "hi"
      ].flat(),
    );
    expect(encodeOperation('PsaHashCompute', { alg: 'Sha256', input: Buffer.from('hi') })).toEqual(bytes);
  });

  test('an ECC key type writes its curve family', () => {
    expect(encodeMessage('parsec.psa_key_attributes.KeyType', { ecc_key_pair: { curve_family: 2 } })).toEqual(
      Buffer.from(
        [
          [0x5a, 0x02], // ecc_key_pair (11, LEN), 2 bytes
          [0x08, 0x02], //   curve_family (1, varint) SECP_R1
        ].flat(),
      ),
    );
  });

  test('an empty body is a valid Ping operation', () => {
    expect(encodeOperation('Ping', {})).toEqual(Buffer.alloc(0));
  });
});
