export { percentile, summarizeLatencies, fitLine, type LatencySummary, type LinearFit } from './stats';
export {
  DEFAULT_GROWTH_LIMITS,
  judgeGrowth,
  type GrowthLimits,
  type GrowthFinding,
  type GrowthVerdict,
  type ResourceSample,
} from './resource-growth';
export { parsecPidOf, parseVmRss, sampleProcess } from './service-process';
export {
  buildMix,
  OPERATION_CATEGORIES,
  WrongAnswer,
  type MixKeys,
  type MixOperation,
  type MixProvider,
  type OperationCategory,
  type TimeRequest,
} from './operation-mix';
export {
  driveLoad,
  STRESS_TEST_PLAN,
  type FailureKind,
  type LoadFailure,
  type LoadPlan,
  type LoadResult,
} from './load-driver';
export { defaultClients } from './clients';
export { parseDuration } from './duration';
export { LOAD_CASE_TITLES, LOAD_SUITE } from './load-cases';
