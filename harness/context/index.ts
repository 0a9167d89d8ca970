// The run context: what globalSetup learnt about the target, written once and read by suites and reporters.
export {
  CONTEXT_ENV,
  CONTEXT_FORMAT,
  readRunContext,
  type TargetDescription,
  type DiscoveredAuthenticator,
  type DiscoveredProvider,
  type ParsecToolInfo,
  type RunContext,
} from './run-context';
export { serviceLogRedactor, shareServiceLogRedactor, type LogRedactor } from './log-redaction';
