/** Replaces the secrets a log of the run's target could carry. */
export type LogRedactor = (text: string) => string;

// globalSetup (which starts the run's target) and the reporters run in Jest's own process but load their modules
// separately, so the hook lives on globalThis. The secrets stay in that process: they never go into a file.
const KEY = '__parsecConformanceServiceLogRedactor';

/** globalSetup: how the run target's log is redacted before a report quotes it. */
export function shareServiceLogRedactor(redactor: LogRedactor | undefined): void {
  (globalThis as Record<string, unknown>)[KEY] = redactor;
}

/** The reporters: the run target's redactor, or undefined when this process did not start the target. */
export function serviceLogRedactor(): LogRedactor | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as LogRedactor | undefined;
}
