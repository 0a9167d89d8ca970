/** Response status codes (reference A9; interface-rs `response_status.rs` is authoritative). */

export const STATUS_NAMES = [
  'Success',
  'WrongProviderId',
  'ContentTypeNotSupported',
  'AcceptTypeNotSupported',
  'WireProtocolVersionNotSupported',
  'ProviderNotRegistered',
  'ProviderDoesNotExist',
  'DeserializingBodyFailed',
  'SerializingBodyFailed',
  'OpcodeDoesNotExist',
  'ResponseTooLarge',
  'AuthenticationError',
  'AuthenticatorDoesNotExist',
  'AuthenticatorNotRegistered',
  'KeyInfoManagerError',
  'ConnectionError',
  'InvalidEncoding',
  'InvalidHeader',
  'WrongProviderUuid',
  'NotAuthenticated',
  'BodySizeExceedsLimit',
  'AdminOperation',
  'DeprecatedPrimitive',
  'PsaErrorGenericError',
  'PsaErrorNotPermitted',
  'PsaErrorNotSupported',
  'PsaErrorInvalidArgument',
  'PsaErrorInvalidHandle',
  'PsaErrorBadState',
  'PsaErrorBufferTooSmall',
  'PsaErrorAlreadyExists',
  'PsaErrorDoesNotExist',
  'PsaErrorInsufficientMemory',
  'PsaErrorInsufficientStorage',
  'PsaErrorInsufficientData',
  'PsaErrorCommunicationFailure',
  'PsaErrorStorageFailure',
  'PsaErrorHardwareFailure',
  'PsaErrorInsufficientEntropy',
  'PsaErrorInvalidSignature',
  'PsaErrorInvalidPadding',
  'PsaErrorCorruptionDetected',
  'PsaErrorDataCorrupt',
  'PsaErrorDataInvalid',
] as const;

export type StatusName = (typeof STATUS_NAMES)[number];

// PSA statuses are 1000 + |psa_status_t|; 1144 has no PSA error behind it and stays unassigned.
export const STATUS_CODES: Readonly<Record<StatusName, number>> = {
  Success: 0,
  WrongProviderId: 1,
  ContentTypeNotSupported: 2,
  AcceptTypeNotSupported: 3,
  WireProtocolVersionNotSupported: 4,
  ProviderNotRegistered: 5,
  ProviderDoesNotExist: 6,
  DeserializingBodyFailed: 7,
  SerializingBodyFailed: 8,
  OpcodeDoesNotExist: 9,
  ResponseTooLarge: 10,
  AuthenticationError: 11,
  AuthenticatorDoesNotExist: 12,
  AuthenticatorNotRegistered: 13,
  KeyInfoManagerError: 14,
  ConnectionError: 15,
  InvalidEncoding: 16,
  InvalidHeader: 17,
  WrongProviderUuid: 18,
  NotAuthenticated: 19,
  BodySizeExceedsLimit: 20,
  AdminOperation: 21,
  DeprecatedPrimitive: 22,
  PsaErrorGenericError: 1132,
  PsaErrorNotPermitted: 1133,
  PsaErrorNotSupported: 1134,
  PsaErrorInvalidArgument: 1135,
  PsaErrorInvalidHandle: 1136,
  PsaErrorBadState: 1137,
  PsaErrorBufferTooSmall: 1138,
  PsaErrorAlreadyExists: 1139,
  PsaErrorDoesNotExist: 1140,
  PsaErrorInsufficientMemory: 1141,
  PsaErrorInsufficientStorage: 1142,
  PsaErrorInsufficientData: 1143,
  PsaErrorCommunicationFailure: 1145,
  PsaErrorStorageFailure: 1146,
  PsaErrorHardwareFailure: 1147,
  PsaErrorInsufficientEntropy: 1148,
  PsaErrorInvalidSignature: 1149,
  PsaErrorInvalidPadding: 1150,
  PsaErrorCorruptionDetected: 1151,
  PsaErrorDataCorrupt: 1152,
  PsaErrorDataInvalid: 1153,
};

const BY_CODE: ReadonlyMap<number, StatusName> = new Map(STATUS_NAMES.map((n) => [STATUS_CODES[n], n]));

export type UnknownStatusName = `Unknown(${number})`;

export function statusName(code: number): StatusName | UnknownStatusName {
  return BY_CODE.get(code) ?? `Unknown(${code})`;
}

export function statusCode(name: StatusName): number {
  return STATUS_CODES[name];
}

export function isStatusName(name: string): name is StatusName {
  return Object.prototype.hasOwnProperty.call(STATUS_CODES, name);
}
