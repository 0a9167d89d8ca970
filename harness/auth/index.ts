// Helpers of the protocol and authentication suites: liveness after malformed requests, perturbed bodies, a client
// running as another Unix user, and a second Parsec with the Direct authenticator.
export { expectServiceAlive, serviceLogPath, serviceLogTail, tailForMessage } from './liveness';
export {
  sendMalformed,
  expectRawStatus,
  echoOf,
  phaseOneShape,
  echoedShape,
  type EchoFields,
} from './malformed-request';
export { MANGLED_BODY, bodyWith, bodyWithout, operationObject, encodeOperationObject } from './bodies';
export { OtherUidClient, NOBODY, otherUidUnavailable, type OtherUidClientOptions } from './other-uid-client';
export {
  startDirectTarget,
  directAuthenticatorUnavailable,
  probeDirect,
  type SecondTargetOptions,
} from './direct-target';
export { startAdminTarget, sweepLeftovers, ROOT_APP, type ClientAdmin, type KeyLister } from './admin-target';
export { CHILD_METHODS, toWire, fromWire, parseRequest, parseReply, encodeLine } from './uid-client-protocol';
export { ISOLATION_ALG, ISOLATION_KEY, freshDigest, p256Verifies } from './isolation-key';
export { declareIsolationCases, withOwnedKeys, type Identity, type IdentityPair } from './isolation-cases';
export { secondInstanceUnavailable } from './second-instance';
