// Targets as data: a spec says what to bring up, a factory per kind starts it, and every factory returns the same
// StartedTarget. Native processes, containers and a service that is already running sit behind one interface.
export * from './spec';
export { parseTargetSpec, TargetSpecError } from './spec-parse';
export { startTarget, probeAuthenticators, anotherInstanceUnavailable } from './registry';
export type { StartOptions } from './start-options';
export type { ClientAuth, ParsecBuildInfo, StartedTarget, StopOptions, TargetVersions } from './started-target';
export type { BackendControls, SwtpmControls, SwtpmSignal, TokenControls, Undo } from './backend-controls';
export type { ConfigRewrite, RivalOptions, RivalService, ServiceControl, ServiceState } from './service-control';
export { CONTAINER_CONTROL_LIMITS } from './containers/container-service-control';
export { TargetStartError } from './target-start-error';
export { pingProbe, waitForPing, type ProbeReply } from './readiness';
export { keepLogs, redact, tailFile, tailLines, type TargetLog } from './logs';
export { featuresShown, PROBED_AUTHENTICATORS, type AuthenticatorsBuiltIn, type ProbedAuthenticator } from './probe';
export { HARNESS_APP_NAME } from './config/service-config';
export {
  renderParsecConfig,
  renderProbeConfig,
  KEY_MANAGER_NAME,
  type ParsecConfigSpec,
  type ConfiguredProvider,
} from './config/parsec-config';
export { tomlEntry, tomlString } from './config/toml';
export { parsecVersionOf } from './parsec-version';
export { describePin, readLoginAttempts, type LoginAttempt, type TokenObservations } from './token-observations';
export { quirkCatalogue, quirkNames, quirkTokenPin, type QuirkFacts } from './quirks';
