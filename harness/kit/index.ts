export { caseId, slugify } from './case-id';
export { defineSuite } from './define-suite';
export type {
  CaseCtx,
  CaseDeclarer,
  CaseOptions,
  ProviderCaseCtx,
  ProviderCtx,
  SuiteDeclarer,
  SuiteMeta,
} from './define-suite';
export { expectStatus } from './expect-status';
export { KeyTracker } from './key-tracker';
