// Public API of the Parsec wire-protocol client. Layers: header framing, opcode/status tables, auth field,
// plain operation types, protobuf conversion, transport, client.

export {
  WireFormatError,
  TransportError,
  RequestRefusedError,
  ServiceStatusError,
  isServiceStatusError,
  type TransportPhase,
} from './errors';
export {
  WIRE_MAGIC,
  WIRE_MAGIC as MAGIC,
  WIRE_HDR_SIZE,
  WIRE_HEADER_LENGTH,
  WIRE_HEADER_LENGTH as HEADER_SIZE,
  WIRE_VERSION_MAJ,
  WIRE_VERSION_MIN,
  CONTENT_TYPE_PROTOBUF,
  defaultHeader,
  encodeHeader,
  decodeHeader,
  validateResponseHeader,
  type WireHeader,
} from './header';
export {
  OPCODES,
  OPCODE_NAMES,
  opcodeName,
  opcodeCode,
  opcodeInfo,
  isOpcodeName,
  formatOpcode,
  type OpcodeName,
  type OpcodeInfo,
  type OpcodeClass,
  type OpcodeAuth,
} from './opcodes';
export {
  STATUS_NAMES,
  STATUS_CODES,
  statusName,
  statusCode,
  isStatusName,
  type StatusName,
  type UnknownStatusName,
} from './status';
export {
  AuthType,
  authFor,
  describeAuth,
  noAuth,
  directAuth,
  unixPeerAuth,
  type AuthConfig,
  type AuthConfig as ClientAuthConfig,
  type AuthTypeName,
  type AuthTypeValue,
} from './auth';
export * from './types';
export { ProviderId, type ProviderIdValue } from './provider-id';
export { encodeOperation, decodeOperation, encodeResult, decodeResult, CONVERTERS } from './convert-operations';
export { algorithmToProto, algorithmFromProto } from './convert-algorithm';
export { keyAttributesToProto, keyAttributesFromProto } from './convert-key-attributes';
export { ProtoReader } from './proto-object';
export { encodeMessage, decodeMessage, operationTypeName, PROTO_DIR, type ProtoObject } from './protobuf';
export { WireRequest } from './request';
export {
  sendRequest,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
  setRequestTimeout,
  requestTimeout,
  type TransportOptions,
  type SendOptions,
  type WireResponse,
} from './transport';
export { ParsecClient, type ParsecClientOptions, type ProviderArg, type RawRequest, type RawResponse } from './client';
export {
  watchRequests,
  summarizeOperation,
  setRequestGate,
  gateRequest,
  noteRequest,
  type SentRequest,
  type RequestListener,
  type RequestGate,
  type OutgoingRequest,
} from './request-watch';
export { PROTOBUF_CONTRACT } from './contract';
