export { caseId, isVariantName, slugify } from './case-id';
export { defineSuite } from './define-suite';
export type {
  CaseCtx,
  CaseDeclarer,
  CaseOptions,
  ProviderCaseCtx,
  ProviderCtx,
  SuiteDeclarer,
  SuiteMeta,
  VariantCaseCtx,
  VariantDecl,
  VariantDeclarer,
  VariantProviderCaseCtx,
} from './define-suite';
export { expectStatus } from './expect-status';
export { RSA_3072_UP_GENERATION_MS, slowGenerationOf, slowRsaGeneration } from './request-allowances';
export { readGoneVerdict, readHangVerdicts, type GoneVerdict, type HangVerdict } from './hang-guard';
export { KeyTracker } from './key-tracker';
export { clientAuthOf } from './client-auth';
export {
  CaseTargets,
  controlOf,
  controlUnavailable,
  type ControlNeed,
  harnessAppName,
  OwnTarget,
  ownTargetUnavailable,
  type StartAttempt,
  type TargetRequest,
} from './own-target';
export { sweepLeftovers, type ClientAdmin, type KeyLister } from './key-hygiene';
export { withOwnedKeys, type Identity } from './owned-keys';
export { expectServiceAlive, logFileTail, tailForMessage, type LogSource } from './liveness';
export {
  sendMalformed,
  expectRawStatus,
  echoOf,
  phaseOneShape,
  echoedShape,
  type EchoFields,
} from './malformed-request';
export { MANGLED_BODY, bodyWith, bodyWithout, operationObject, encodeOperationObject } from './perturbed-bodies';
