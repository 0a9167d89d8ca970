import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { WireFormatError } from './errors';
import type { OpcodeName } from './opcodes';

/** A protobuf message as a plain object with the .proto's snake_case field names. */
export type ProtoObject = { [field: string]: unknown };

export const PROTO_DIR = path.join(__dirname, 'proto');

/** The .proto package of each operation; the build breaks until a new opcode has one. */
export const OPERATION_PACKAGES: Readonly<Record<OpcodeName, string>> = {
  Ping: 'parsec.ping',
  PsaGenerateKey: 'parsec.psa_generate_key',
  PsaDestroyKey: 'parsec.psa_destroy_key',
  PsaSignHash: 'parsec.psa_sign_hash',
  PsaVerifyHash: 'parsec.psa_verify_hash',
  PsaImportKey: 'parsec.psa_import_key',
  PsaExportPublicKey: 'parsec.psa_export_public_key',
  ListProviders: 'parsec.list_providers',
  ListOpcodes: 'parsec.list_opcodes',
  PsaAsymmetricEncrypt: 'parsec.psa_asymmetric_encrypt',
  PsaAsymmetricDecrypt: 'parsec.psa_asymmetric_decrypt',
  PsaExportKey: 'parsec.psa_export_key',
  PsaGenerateRandom: 'parsec.psa_generate_random',
  ListAuthenticators: 'parsec.list_authenticators',
  PsaHashCompute: 'parsec.psa_hash_compute',
  PsaHashCompare: 'parsec.psa_hash_compare',
  PsaAeadEncrypt: 'parsec.psa_aead_encrypt',
  PsaAeadDecrypt: 'parsec.psa_aead_decrypt',
  PsaRawKeyAgreement: 'parsec.psa_raw_key_agreement',
  PsaCipherEncrypt: 'parsec.psa_cipher_encrypt',
  PsaCipherDecrypt: 'parsec.psa_cipher_decrypt',
  PsaMacCompute: 'parsec.psa_mac_compute',
  PsaMacVerify: 'parsec.psa_mac_verify',
  PsaSignMessage: 'parsec.psa_sign_message',
  PsaVerifyMessage: 'parsec.psa_verify_message',
  ListKeys: 'parsec.list_keys',
  ListClients: 'parsec.list_clients',
  DeleteClient: 'parsec.delete_client',
  AttestKey: 'parsec.attest_key',
  PrepareKeyAttestation: 'parsec.prepare_key_attestation',
  CanDoCrypto: 'parsec.can_do_crypto',
};

let root: protobuf.Root | undefined;

/** Loaded lazily and once: parsing 33 files costs a few milliseconds that most unit tests never need. */
export function protoRoot(): protobuf.Root {
  if (root === undefined) {
    const files = fs
      .readdirSync(PROTO_DIR)
      .filter((f) => f.endsWith('.proto'))
      .sort()
      .map((f) => path.join(PROTO_DIR, f));
    // keepCase: converters speak the .proto's own field names, so a field is findable in both places.
    root = new protobuf.Root().loadSync(files, { keepCase: true });
    root.resolveAll();
  }
  return root;
}

export function messageType(fullName: string): protobuf.Type {
  return protoRoot().lookupType(fullName);
}

export function operationTypeName(opcode: OpcodeName, kind: 'Operation' | 'Result'): string {
  return `${OPERATION_PACKAGES[opcode]}.${kind}`;
}

/**
 * Encodes exactly the fields present in `obj`: a sub-message given as `{}` is emitted as tag + length 0, which
 * the service needs for mandatory and oneof-empty messages (reference B4). Scalars left out are not emitted.
 */
export function encodeMessage(typeName: string, obj: ProtoObject): Buffer {
  const type = messageType(typeName);
  let problem: string | null;
  let message: protobuf.Message | undefined;
  try {
    message = type.fromObject(obj);
    problem = type.verify(message);
  } catch (e) {
    problem = (e as Error).message;
  }
  if (problem !== null || message === undefined) {
    throw new WireFormatError({
      field: 'body',
      expected: `a valid ${typeName}`,
      got: String(problem),
      where: 'encoding body',
    });
  }
  return Buffer.from(type.encode(message).finish());
}

/**
 * Decodes to a plain object: unset scalars take their defaults, unset sub-messages are absent, uint64 values
 * are decimal strings (exact, unlike numbers), and a oneof's chosen member is named by its `variant`-style key.
 */
export function decodeMessage(typeName: string, body: Buffer, where = typeName): ProtoObject {
  const type = messageType(typeName);
  let message: protobuf.Message;
  try {
    message = type.decode(body);
  } catch (e) {
    throw new WireFormatError({
      field: 'body',
      expected: `a protobuf ${typeName}`,
      got: `${body.length} bytes that do not parse (${(e as Error).message})`,
      where,
    });
  }
  return type.toObject(message, { longs: String, enums: Number, defaults: true, arrays: true, oneofs: true });
}
