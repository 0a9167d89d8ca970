import { STATUS_CODES, STATUS_NAMES, statusCode, statusName, type StatusName } from '../../../harness/wire';

// Written independently from reference A9 (interface-rs response_status.rs).
const EXPECTED: [number, string][] = [
  [0, 'Success'],
  [1, 'WrongProviderId'],
  [2, 'ContentTypeNotSupported'],
  [3, 'AcceptTypeNotSupported'],
  [4, 'WireProtocolVersionNotSupported'],
  [5, 'ProviderNotRegistered'],
  [6, 'ProviderDoesNotExist'],
  [7, 'DeserializingBodyFailed'],
  [8, 'SerializingBodyFailed'],
  [9, 'OpcodeDoesNotExist'],
  [10, 'ResponseTooLarge'],
  [11, 'AuthenticationError'],
  [12, 'AuthenticatorDoesNotExist'],
  [13, 'AuthenticatorNotRegistered'],
  [14, 'KeyInfoManagerError'],
  [15, 'ConnectionError'],
  [16, 'InvalidEncoding'],
  [17, 'InvalidHeader'],
  [18, 'WrongProviderUuid'],
  [19, 'NotAuthenticated'],
  [20, 'BodySizeExceedsLimit'],
  [21, 'AdminOperation'],
  [22, 'DeprecatedPrimitive'],
  [1132, 'PsaErrorGenericError'],
  [1133, 'PsaErrorNotPermitted'],
  [1134, 'PsaErrorNotSupported'],
  [1135, 'PsaErrorInvalidArgument'],
  [1136, 'PsaErrorInvalidHandle'],
  [1137, 'PsaErrorBadState'],
  [1138, 'PsaErrorBufferTooSmall'],
  [1139, 'PsaErrorAlreadyExists'],
  [1140, 'PsaErrorDoesNotExist'],
  [1141, 'PsaErrorInsufficientMemory'],
  [1142, 'PsaErrorInsufficientStorage'],
  [1143, 'PsaErrorInsufficientData'],
  [1145, 'PsaErrorCommunicationFailure'],
  [1146, 'PsaErrorStorageFailure'],
  [1147, 'PsaErrorHardwareFailure'],
  [1148, 'PsaErrorInsufficientEntropy'],
  [1149, 'PsaErrorInvalidSignature'],
  [1150, 'PsaErrorInvalidPadding'],
  [1151, 'PsaErrorCorruptionDetected'],
  [1152, 'PsaErrorDataCorrupt'],
  [1153, 'PsaErrorDataInvalid'],
];

describe('status table', () => {
  test.each(EXPECTED)('%d is %s', (code, name) => {
    expect(statusName(code)).toBe(name);
    expect(statusCode(name as StatusName)).toBe(code);
  });

  test('has exactly the reference statuses, no more', () => {
    expect([...STATUS_NAMES].sort()).toEqual(EXPECTED.map(([, n]) => n).sort());
    expect(Object.keys(STATUS_CODES).sort()).toEqual(EXPECTED.map(([, n]) => n).sort());
  });

  test.each([
    [23, 'Unknown(23)'],
    [1131, 'Unknown(1131)'],
    [1144, 'Unknown(1144)'],
    [1154, 'Unknown(1154)'],
    [65535, 'Unknown(65535)'],
  ])('%d outside the table is %s', (code, name) => {
    expect(statusName(code)).toBe(name);
  });
});
