import {
  algorithmFromProto,
  algorithmToProto,
  decodeOperation,
  decodeResult,
  encodeMessage,
  encodeOperation,
  encodeResult,
  keyAttributesFromProto,
  keyAttributesToProto,
  OPCODE_NAMES,
  ProtoReader,
  WireFormatError,
  decodeMessage,
  type Algorithm,
  type KeyAttributes,
  type KeyType,
  type OpcodeName,
  type OperationOf,
  type ResultOf,
} from '../../../harness/wire';

const ALGORITHMS: Algorithm[] = [
  { alg: 'None' },
  { alg: 'Hash', hash: 'Sha3_512' },
  { alg: 'Hmac', hash: 'Sha256' },
  { alg: 'Hmac', hash: 'Sha384', macLength: 16 },
  { alg: 'CbcMac' },
  { alg: 'Cmac', macLength: 8 },
  { alg: 'Cipher', cipher: 'CbcPkcs7' },
  { alg: 'Gcm' },
  { alg: 'Ccm', tagLength: 8 },
  { alg: 'Chacha20Poly1305' },
  { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' },
  { alg: 'RsaPkcs1v15Sign', hash: 'any' },
  { alg: 'RsaPkcs1v15SignRaw' },
  { alg: 'RsaPss', hash: 'Sha512' },
  { alg: 'Ecdsa', hash: 'Sha256' },
  { alg: 'EcdsaAny' },
  { alg: 'DeterministicEcdsa', hash: 'any' },
  { alg: 'RsaPkcs1v15Crypt' },
  { alg: 'RsaOaep', hash: 'Sha1' },
  { alg: 'Ecdh' },
  { alg: 'Ffdh', kdf: { alg: 'Hkdf', hash: 'Sha256' } },
  { alg: 'Hkdf', hash: 'Sha256' },
  { alg: 'Tls12Prf', hash: 'Sha384' },
  { alg: 'Tls12PskToMs', hash: 'Sha256' },
];

const KEY_TYPES: KeyType[] = [
  { type: 'RawData' },
  { type: 'Hmac' },
  { type: 'Derive' },
  { type: 'Aes' },
  { type: 'Des' },
  { type: 'Camellia' },
  { type: 'Arc4' },
  { type: 'Chacha20' },
  { type: 'RsaPublicKey' },
  { type: 'RsaKeyPair' },
  { type: 'EccKeyPair', curveFamily: 'SecpR1' },
  { type: 'EccPublicKey', curveFamily: 'Montgomery' },
  { type: 'DhKeyPair', groupFamily: 'Rfc7919' },
  { type: 'DhPublicKey', groupFamily: 'Rfc7919' },
];

/** Through real bytes, not just objects, so the .proto files are exercised too. */
function roundTripAlgorithm(alg: Algorithm): Algorithm {
  const bytes = encodeMessage('parsec.psa_algorithm.Algorithm', algorithmToProto(alg));
  return algorithmFromProto(new ProtoReader(decodeMessage('parsec.psa_algorithm.Algorithm', bytes), 'alg'));
}

function roundTripAttributes(attrs: KeyAttributes): KeyAttributes {
  const bytes = encodeMessage('parsec.psa_key_attributes.KeyAttributes', keyAttributesToProto(attrs));
  const decoded = decodeMessage('parsec.psa_key_attributes.KeyAttributes', bytes);
  return keyAttributesFromProto(new ProtoReader(decoded, 'attributes'));
}

describe('algorithm conversion', () => {
  test.each(ALGORITHMS.map((a) => [JSON.stringify(a), a] as const))('%s round-trips', (_name, alg) => {
    expect(roundTripAlgorithm(alg)).toEqual(alg);
  });

  test('an Algorithm with no member set is a WireFormatError naming the oneof', () => {
    expect(() =>
      algorithmFromProto(new ProtoReader(decodeMessage('parsec.psa_algorithm.Algorithm', Buffer.alloc(0)), 'alg')),
    ).toThrow(
      new WireFormatError({
        field: 'alg.variant',
        expected:
          'one of none, hash, mac, cipher, aead, asymmetric_signature, asymmetric_encryption, key_agreement, key_derivation',
        got: 'nothing (field absent)',
        where: 'decoding body',
      }),
    );
  });

  test('HASH_NONE where a hash is required is a WireFormatError', () => {
    const bytes = Buffer.from([0x10, 0x00]); // hash (2, varint) HASH_NONE
    expect(() =>
      algorithmFromProto(new ProtoReader(decodeMessage('parsec.psa_algorithm.Algorithm', bytes), 'alg')),
    ).toThrow('decoding body: alg.hash expected a known non-NONE Hash, got number 0');
  });
});

describe('key attribute conversion', () => {
  test.each(KEY_TYPES.map((k) => [k.type, k] as const))('key type %s round-trips', (_name, keyType) => {
    const attrs: KeyAttributes = {
      keyType,
      keyBits: 256,
      policy: { usage: { export: true }, algorithm: { alg: 'None' } },
    };
    expect(roundTripAttributes(attrs)).toEqual(attrs);
  });

  test('every usage flag round-trips, and false flags are dropped', () => {
    const usage = {
      export: true,
      copy: true,
      cache: true,
      encrypt: true,
      decrypt: true,
      signMessage: true,
      verifyMessage: true,
      signHash: true,
      verifyHash: true,
      derive: true,
    };
    const attrs: KeyAttributes = {
      keyType: { type: 'Aes' },
      keyBits: 128,
      policy: { usage, algorithm: { alg: 'Gcm' } },
    };
    expect(roundTripAttributes(attrs)).toEqual(attrs);
    expect(
      roundTripAttributes({ ...attrs, policy: { ...attrs.policy, usage: { encrypt: true, decrypt: false } } }).policy
        .usage,
    ).toEqual({
      encrypt: true,
    });
  });

  test('key_bits 0 (size from the data) is left out of the body and reads back as 0', () => {
    const attrs: KeyAttributes = {
      keyType: { type: 'RsaPublicKey' },
      keyBits: 0,
      policy: { usage: {}, algorithm: { alg: 'None' } },
    };
    expect(keyAttributesToProto(attrs)).not.toHaveProperty('key_bits');
    expect(roundTripAttributes(attrs)).toEqual(attrs);
  });

  test('mandatory sub-messages are present even when empty', () => {
    const attrs: KeyAttributes = {
      keyType: { type: 'Aes' },
      keyBits: 0,
      policy: { usage: {}, algorithm: { alg: 'None' } },
    };
    expect(keyAttributesToProto(attrs)).toEqual({
      key_type: { aes: {} },
      key_policy: { key_usage_flags: {}, key_algorithm: { none: {} } },
    });
  });

  test('a missing key_policy in a decoded body is a WireFormatError naming its path', () => {
    const bytes = Buffer.from([0x0a, 0x02, 0x22, 0x00]); // key_type (1) { aes (4) {} }, no key_policy
    const decoded = decodeMessage('parsec.psa_key_attributes.KeyAttributes', bytes);
    expect(() => keyAttributesFromProto(new ProtoReader(decoded, 'attributes'))).toThrow(
      'decoding body: attributes.key_policy expected a sub-message, got nothing (field absent)',
    );
  });
});

// One sample per opcode; the Record makes a new opcode fail the build until it has one.
const SIGN_KEY: KeyAttributes = {
  keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
  keyBits: 256,
  policy: { usage: { signHash: true, verifyHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
};
const b = (s: string) => Buffer.from(s);
const SAMPLES: { [N in OpcodeName]: { operation: OperationOf<N>; result: ResultOf<N> } } = {
  Ping: { operation: {}, result: { wireProtocolVersionMaj: 1, wireProtocolVersionMin: 0 } },
  ListProviders: {
    operation: {},
    result: {
      providers: [
        { uuid: 'u', description: 'd', vendor: '', versionMaj: 1, versionMin: 4, versionRev: 1, id: 0 },
        { uuid: 'v', description: 'e', vendor: 'Arm', versionMaj: 0, versionMin: 1, versionRev: 0, id: 1 },
      ],
    },
  },
  ListOpcodes: { operation: { providerId: 3 }, result: { opcodes: [1, 8, 9, 14, 26] } },
  ListAuthenticators: {
    operation: {},
    result: { authenticators: [{ description: 'x', versionMaj: 0, versionMin: 1, versionRev: 0, id: 3 }] },
  },
  ListKeys: { operation: {}, result: { keys: [{ providerId: 1, name: 'k', attributes: SIGN_KEY }] } },
  ListClients: { operation: {}, result: { clients: ['1000', 'root'] } },
  DeleteClient: { operation: { client: 'root' }, result: {} },
  PsaGenerateKey: { operation: { keyName: 'k', attributes: SIGN_KEY }, result: {} },
  PsaImportKey: { operation: { keyName: 'k', attributes: SIGN_KEY, data: b('der') }, result: {} },
  PsaExportPublicKey: { operation: { keyName: 'k' }, result: { data: b('pub') } },
  PsaExportKey: { operation: { keyName: 'k' }, result: { data: b('priv') } },
  PsaDestroyKey: { operation: { keyName: 'k' }, result: {} },
  PsaSignHash: {
    operation: { keyName: 'k', alg: { alg: 'Ecdsa', hash: 'Sha256' }, hash: b('h') },
    result: { signature: b('s') },
  },
  PsaVerifyHash: {
    operation: { keyName: 'k', alg: { alg: 'RsaPss', hash: 'Sha256' }, hash: b('h'), signature: b('s') },
    result: {},
  },
  PsaSignMessage: {
    operation: { keyName: 'k', alg: { alg: 'DeterministicEcdsa', hash: 'Sha384' }, message: b('m') },
    result: { signature: b('s') },
  },
  PsaVerifyMessage: {
    operation: { keyName: 'k', alg: { alg: 'EcdsaAny' }, message: b('m'), signature: b('s') },
    result: {},
  },
  PsaAsymmetricEncrypt: {
    operation: { keyName: 'k', alg: { alg: 'RsaOaep', hash: 'Sha256' }, plaintext: b('p'), salt: b('salt') },
    result: { ciphertext: b('c') },
  },
  PsaAsymmetricDecrypt: {
    operation: { keyName: 'k', alg: { alg: 'RsaPkcs1v15Crypt' }, ciphertext: b('c'), salt: b('salt') },
    result: { plaintext: b('p') },
  },
  PsaAeadEncrypt: {
    operation: { keyName: 'k', alg: { alg: 'Gcm' }, nonce: b('n'), additionalData: b('a'), plaintext: b('p') },
    result: { ciphertext: b('ct') },
  },
  PsaAeadDecrypt: {
    operation: {
      keyName: 'k',
      alg: { alg: 'Ccm', tagLength: 4 },
      nonce: b('n'),
      additionalData: b('a'),
      ciphertext: b('c'),
    },
    result: { plaintext: b('p') },
  },
  PsaCipherEncrypt: { operation: { keyName: 'k', alg: 'Ctr', plaintext: b('p') }, result: { ciphertext: b('c') } },
  PsaCipherDecrypt: {
    operation: { keyName: 'k', alg: 'CbcNoPadding', ciphertext: b('c') },
    result: { plaintext: b('p') },
  },
  PsaMacCompute: {
    operation: { keyName: 'k', alg: { alg: 'Hmac', hash: 'Sha256' }, input: b('i') },
    result: { mac: b('m') },
  },
  PsaMacVerify: { operation: { keyName: 'k', alg: { alg: 'Cmac' }, input: b('i'), mac: b('m') }, result: {} },
  PsaHashCompute: { operation: { alg: 'Sha512', input: b('i') }, result: { hash: b('h') } },
  PsaHashCompare: { operation: { alg: 'Sha224', input: b('i'), hash: b('h') }, result: {} },
  PsaRawKeyAgreement: {
    operation: { alg: 'Ecdh', privateKeyName: 'k', peerKey: b('peer') },
    result: { sharedSecret: b('z') },
  },
  PsaGenerateRandom: { operation: { size: 1024n }, result: { randomBytes: b('r') } },
  CanDoCrypto: { operation: { checkType: 'Import', attributes: SIGN_KEY }, result: {} },
  PrepareKeyAttestation: {
    operation: { parameters: { mechanism: 'ActivateCredential', attestedKeyName: 'k', attestingKeyName: 'ak' } },
    result: { output: { mechanism: 'ActivateCredential', name: b('n'), public: b('p'), attestingKeyPub: b('a') } },
  },
  AttestKey: {
    operation: {
      attestedKeyName: 'k',
      attestingKeyName: 'ak',
      parameters: { mechanism: 'ActivateCredential', credentialBlob: b('cb'), secret: b('s') },
    },
    result: { output: { mechanism: 'ActivateCredential', credential: b('c') } },
  },
};

describe('every operation converts both ways through bytes', () => {
  test.each(OPCODE_NAMES.map((n) => [n]))('%s operation', (opcode) => {
    const sample = SAMPLES[opcode];
    expect(decodeOperation(opcode, encodeOperation(opcode, sample.operation as never))).toEqual(sample.operation);
  });

  test.each(OPCODE_NAMES.map((n) => [n]))('%s result', (opcode) => {
    const sample = SAMPLES[opcode];
    expect(decodeResult(opcode, encodeResult(opcode, sample.result as never))).toEqual(sample.result);
  });

  test('a body that does not parse is a WireFormatError naming the operation', () => {
    expect(() => decodeResult('PsaSignHash', Buffer.from([0x0a, 0x05, 0x01]))).toThrow(
      /^PsaSignHash result: body expected a protobuf parsec.psa_sign_hash.Result, got 3 bytes that do not parse/,
    );
  });
});
