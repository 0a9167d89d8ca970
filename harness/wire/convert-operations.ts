import {
  aeadFromProto,
  aeadToProto,
  asymmetricEncryptionFromProto,
  asymmetricEncryptionToProto,
  asymmetricSignatureFromProto,
  asymmetricSignatureToProto,
  cipherFromProto,
  cipherToProto,
  hashFromProto,
  hashToProto,
  macFromProto,
  macToProto,
  rawKeyAgreementFromProto,
  rawKeyAgreementToProto,
} from './convert-algorithm';
import { CHECK_TYPE_VALUES } from './convert-enums';
import { keyAttributesFromProto, keyAttributesToProto } from './convert-key-attributes';
import type { OpcodeName } from './opcodes';
import { ProtoReader, withoutDefaults } from './proto-object';
import { decodeMessage, encodeMessage, operationTypeName, type ProtoObject } from './protobuf';
import type { OperationOf, ResultOf } from './types';

/** Both directions for operations and results: the client uses two, the fake server in tests the others. */
export interface OperationConverter<N extends OpcodeName> {
  operationToProto(op: OperationOf<N>): ProtoObject;
  operationFromProto(r: ProtoReader): OperationOf<N>;
  resultToProto(result: ResultOf<N>): ProtoObject;
  resultFromProto(r: ProtoReader): ResultOf<N>;
}

const noFields = { toProto: (): ProtoObject => ({}), fromProto: () => ({}) };

const emptyOperation = { operationToProto: noFields.toProto, operationFromProto: noFields.fromProto };
const emptyResult = { resultToProto: noFields.toProto, resultFromProto: noFields.fromProto };

/** Operations made of just a key name (export, export public, destroy). */
const keyNameOperation = {
  operationToProto: (op: { keyName: string }) => withoutDefaults({ key_name: op.keyName }),
  operationFromProto: (r: ProtoReader) => ({ keyName: r.string('key_name') }),
};

function bytesResult<F extends string, P extends string>(
  plain: F,
  proto: P,
): {
  resultToProto: (result: Record<F, Buffer>) => ProtoObject;
  resultFromProto: (r: ProtoReader) => Record<F, Buffer>;
} {
  return {
    resultToProto: (result) => withoutDefaults({ [proto]: result[plain] }),
    resultFromProto: (r) => ({ [plain]: r.bytes(proto) }) as Record<F, Buffer>,
  };
}

const sizeToProto = (size: number | bigint): string => BigInt(size).toString();

export const CONVERTERS: { readonly [N in OpcodeName]: OperationConverter<N> } = {
  Ping: {
    ...emptyOperation,
    resultToProto: (r) =>
      withoutDefaults({
        wire_protocol_version_maj: r.wireProtocolVersionMaj,
        wire_protocol_version_min: r.wireProtocolVersionMin,
      }),
    resultFromProto: (r) => ({
      wireProtocolVersionMaj: r.uint('wire_protocol_version_maj'),
      wireProtocolVersionMin: r.uint('wire_protocol_version_min'),
    }),
  },
  ListProviders: {
    ...emptyOperation,
    resultToProto: (r) => ({
      providers: r.providers.map((p) =>
        withoutDefaults({
          uuid: p.uuid,
          description: p.description,
          vendor: p.vendor,
          version_maj: p.versionMaj,
          version_min: p.versionMin,
          version_rev: p.versionRev,
          id: p.id,
        }),
      ),
    }),
    resultFromProto: (r) => ({
      providers: r.messages('providers').map((p) => ({
        uuid: p.string('uuid'),
        description: p.string('description'),
        vendor: p.string('vendor'),
        versionMaj: p.uint('version_maj'),
        versionMin: p.uint('version_min'),
        versionRev: p.uint('version_rev'),
        id: p.uint('id'),
      })),
    }),
  },
  ListOpcodes: {
    operationToProto: (op) => withoutDefaults({ provider_id: op.providerId }),
    operationFromProto: (r) => ({ providerId: r.uint('provider_id') }),
    resultToProto: (r) => ({ opcodes: r.opcodes }),
    resultFromProto: (r) => ({ opcodes: r.uints('opcodes') }),
  },
  ListAuthenticators: {
    ...emptyOperation,
    resultToProto: (r) => ({
      authenticators: r.authenticators.map((a) =>
        withoutDefaults({
          description: a.description,
          version_maj: a.versionMaj,
          version_min: a.versionMin,
          version_rev: a.versionRev,
          id: a.id,
        }),
      ),
    }),
    resultFromProto: (r) => ({
      authenticators: r.messages('authenticators').map((a) => ({
        description: a.string('description'),
        versionMaj: a.uint('version_maj'),
        versionMin: a.uint('version_min'),
        versionRev: a.uint('version_rev'),
        id: a.uint('id'),
      })),
    }),
  },
  ListKeys: {
    ...emptyOperation,
    resultToProto: (r) => ({
      keys: r.keys.map((k) => ({
        ...withoutDefaults({ provider_id: k.providerId, name: k.name }),
        attributes: keyAttributesToProto(k.attributes),
      })),
    }),
    resultFromProto: (r) => ({
      keys: r.messages('keys').map((k) => ({
        providerId: k.uint('provider_id'),
        name: k.string('name'),
        attributes: keyAttributesFromProto(k.message('attributes')),
      })),
    }),
  },
  ListClients: {
    ...emptyOperation,
    resultToProto: (r) => ({ clients: r.clients }),
    resultFromProto: (r) => ({ clients: r.strings('clients') }),
  },
  DeleteClient: {
    operationToProto: (op) => withoutDefaults({ client: op.client }),
    operationFromProto: (r) => ({ client: r.string('client') }),
    ...emptyResult,
  },
  PsaGenerateKey: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName }),
      attributes: keyAttributesToProto(op.attributes),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      attributes: keyAttributesFromProto(r.message('attributes')),
    }),
    ...emptyResult,
  },
  PsaImportKey: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, data: op.data }),
      attributes: keyAttributesToProto(op.attributes),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      attributes: keyAttributesFromProto(r.message('attributes')),
      data: r.bytes('data'),
    }),
    ...emptyResult,
  },
  PsaExportPublicKey: { ...keyNameOperation, ...bytesResult('data', 'data') },
  PsaExportKey: { ...keyNameOperation, ...bytesResult('data', 'data') },
  PsaDestroyKey: { ...keyNameOperation, ...emptyResult },
  PsaSignHash: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, hash: op.hash }),
      alg: asymmetricSignatureToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: asymmetricSignatureFromProto(r.message('alg')),
      hash: r.bytes('hash'),
    }),
    ...bytesResult('signature', 'signature'),
  },
  PsaVerifyHash: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, hash: op.hash, signature: op.signature }),
      alg: asymmetricSignatureToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: asymmetricSignatureFromProto(r.message('alg')),
      hash: r.bytes('hash'),
      signature: r.bytes('signature'),
    }),
    ...emptyResult,
  },
  PsaSignMessage: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, message: op.message }),
      alg: asymmetricSignatureToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: asymmetricSignatureFromProto(r.message('alg')),
      message: r.bytes('message'),
    }),
    ...bytesResult('signature', 'signature'),
  },
  PsaVerifyMessage: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, message: op.message, signature: op.signature }),
      alg: asymmetricSignatureToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: asymmetricSignatureFromProto(r.message('alg')),
      message: r.bytes('message'),
      signature: r.bytes('signature'),
    }),
    ...emptyResult,
  },
  PsaAsymmetricEncrypt: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, plaintext: op.plaintext, salt: op.salt }),
      alg: asymmetricEncryptionToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: asymmetricEncryptionFromProto(r.message('alg')),
      plaintext: r.bytes('plaintext'),
      salt: r.bytes('salt'),
    }),
    ...bytesResult('ciphertext', 'ciphertext'),
  },
  PsaAsymmetricDecrypt: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, ciphertext: op.ciphertext, salt: op.salt }),
      alg: asymmetricEncryptionToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: asymmetricEncryptionFromProto(r.message('alg')),
      ciphertext: r.bytes('ciphertext'),
      salt: r.bytes('salt'),
    }),
    ...bytesResult('plaintext', 'plaintext'),
  },
  PsaAeadEncrypt: {
    operationToProto: (op) => ({
      ...withoutDefaults({
        key_name: op.keyName,
        nonce: op.nonce,
        additional_data: op.additionalData,
        plaintext: op.plaintext,
      }),
      alg: aeadToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: aeadFromProto(r.message('alg')),
      nonce: r.bytes('nonce'),
      additionalData: r.bytes('additional_data'),
      plaintext: r.bytes('plaintext'),
    }),
    ...bytesResult('ciphertext', 'ciphertext'),
  },
  PsaAeadDecrypt: {
    operationToProto: (op) => ({
      ...withoutDefaults({
        key_name: op.keyName,
        nonce: op.nonce,
        additional_data: op.additionalData,
        ciphertext: op.ciphertext,
      }),
      alg: aeadToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: aeadFromProto(r.message('alg')),
      nonce: r.bytes('nonce'),
      additionalData: r.bytes('additional_data'),
      ciphertext: r.bytes('ciphertext'),
    }),
    ...bytesResult('plaintext', 'plaintext'),
  },
  PsaCipherEncrypt: {
    operationToProto: (op) =>
      withoutDefaults({ key_name: op.keyName, alg: cipherToProto(op.alg), plaintext: op.plaintext }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: cipherFromProto(r, 'alg'),
      plaintext: r.bytes('plaintext'),
    }),
    ...bytesResult('ciphertext', 'ciphertext'),
  },
  PsaCipherDecrypt: {
    operationToProto: (op) =>
      withoutDefaults({ key_name: op.keyName, alg: cipherToProto(op.alg), ciphertext: op.ciphertext }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: cipherFromProto(r, 'alg'),
      ciphertext: r.bytes('ciphertext'),
    }),
    ...bytesResult('plaintext', 'plaintext'),
  },
  PsaMacCompute: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, input: op.input }),
      alg: macToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: macFromProto(r.message('alg')),
      input: r.bytes('input'),
    }),
    ...bytesResult('mac', 'mac'),
  },
  PsaMacVerify: {
    operationToProto: (op) => ({
      ...withoutDefaults({ key_name: op.keyName, input: op.input, mac: op.mac }),
      alg: macToProto(op.alg),
    }),
    operationFromProto: (r) => ({
      keyName: r.string('key_name'),
      alg: macFromProto(r.message('alg')),
      input: r.bytes('input'),
      mac: r.bytes('mac'),
    }),
    ...emptyResult,
  },
  PsaHashCompute: {
    operationToProto: (op) => withoutDefaults({ alg: hashToProto(op.alg), input: op.input }),
    operationFromProto: (r) => ({ alg: hashFromProto(r, 'alg'), input: r.bytes('input') }),
    ...bytesResult('hash', 'hash'),
  },
  PsaHashCompare: {
    operationToProto: (op) => withoutDefaults({ alg: hashToProto(op.alg), input: op.input, hash: op.hash }),
    operationFromProto: (r) => ({ alg: hashFromProto(r, 'alg'), input: r.bytes('input'), hash: r.bytes('hash') }),
    ...emptyResult,
  },
  PsaRawKeyAgreement: {
    operationToProto: (op) =>
      withoutDefaults({
        alg: rawKeyAgreementToProto(op.alg),
        private_key_name: op.privateKeyName,
        peer_key: op.peerKey,
      }),
    operationFromProto: (r) => ({
      alg: rawKeyAgreementFromProto(r, 'alg'),
      privateKeyName: r.string('private_key_name'),
      peerKey: r.bytes('peer_key'),
    }),
    ...bytesResult('sharedSecret', 'shared_secret'),
  },
  PsaGenerateRandom: {
    operationToProto: (op) => withoutDefaults({ size: BigInt(op.size) === 0n ? 0 : sizeToProto(op.size) }),
    operationFromProto: (r) => ({ size: r.uint64('size') }),
    ...bytesResult('randomBytes', 'random_bytes'),
  },
  CanDoCrypto: {
    operationToProto: (op) => ({
      ...withoutDefaults({ check_type: CHECK_TYPE_VALUES[op.checkType] }),
      attributes: keyAttributesToProto(op.attributes),
    }),
    operationFromProto: (r) => ({
      checkType: r.enumValue('check_type', CHECK_TYPE_VALUES, 'CheckType'),
      attributes: keyAttributesFromProto(r.message('attributes')),
    }),
    ...emptyResult,
  },
  PrepareKeyAttestation: {
    operationToProto: (op) => ({
      parameters: {
        activate_credential: withoutDefaults({
          attested_key_name: op.parameters.attestedKeyName,
          attesting_key_name: op.parameters.attestingKeyName,
        }),
      },
    }),
    operationFromProto: (r) => {
      const ac = r.message('parameters').message('activate_credential');
      return {
        parameters: {
          mechanism: 'ActivateCredential',
          attestedKeyName: ac.string('attested_key_name'),
          attestingKeyName: ac.string('attesting_key_name'),
        },
      };
    },
    resultToProto: (r) => ({
      output: {
        activate_credential: withoutDefaults({
          name: r.output.name,
          public: r.output.public,
          attesting_key_pub: r.output.attestingKeyPub,
        }),
      },
    }),
    resultFromProto: (r) => {
      const ac = r.message('output').message('activate_credential');
      return {
        output: {
          mechanism: 'ActivateCredential',
          name: ac.bytes('name'),
          public: ac.bytes('public'),
          attestingKeyPub: ac.bytes('attesting_key_pub'),
        },
      };
    },
  },
  AttestKey: {
    operationToProto: (op) => ({
      ...withoutDefaults({ attested_key_name: op.attestedKeyName, attesting_key_name: op.attestingKeyName }),
      parameters: {
        activate_credential: withoutDefaults({
          credential_blob: op.parameters.credentialBlob,
          secret: op.parameters.secret,
        }),
      },
    }),
    operationFromProto: (r) => {
      const ac = r.message('parameters').message('activate_credential');
      return {
        attestedKeyName: r.string('attested_key_name'),
        attestingKeyName: r.string('attesting_key_name'),
        parameters: {
          mechanism: 'ActivateCredential',
          credentialBlob: ac.bytes('credential_blob'),
          secret: ac.bytes('secret'),
        },
      };
    },
    resultToProto: (r) => ({ output: { activate_credential: withoutDefaults({ credential: r.output.credential }) } }),
    resultFromProto: (r) => ({
      output: {
        mechanism: 'ActivateCredential',
        credential: r.message('output').message('activate_credential').bytes('credential'),
      },
    }),
  },
};

export function encodeOperation<N extends OpcodeName>(opcode: N, op: OperationOf<N>): Buffer {
  const converter = CONVERTERS[opcode] as OperationConverter<N>;
  return encodeMessage(operationTypeName(opcode, 'Operation'), converter.operationToProto(op));
}

export function decodeOperation<N extends OpcodeName>(opcode: N, body: Buffer): OperationOf<N> {
  const converter = CONVERTERS[opcode] as OperationConverter<N>;
  const typeName = operationTypeName(opcode, 'Operation');
  return converter.operationFromProto(new ProtoReader(decodeMessage(typeName, body, `${opcode} operation`), opcode));
}

export function encodeResult<N extends OpcodeName>(opcode: N, result: ResultOf<N>): Buffer {
  const converter = CONVERTERS[opcode] as OperationConverter<N>;
  return encodeMessage(operationTypeName(opcode, 'Result'), converter.resultToProto(result));
}

export function decodeResult<N extends OpcodeName>(opcode: N, body: Buffer): ResultOf<N> {
  const converter = CONVERTERS[opcode] as OperationConverter<N>;
  const typeName = operationTypeName(opcode, 'Result');
  return converter.resultFromProto(new ProtoReader(decodeMessage(typeName, body, `${opcode} result`), opcode));
}
