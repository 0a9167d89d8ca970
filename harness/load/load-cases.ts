import type { OperationCategory } from './operation-mix';

/**
 * The load suite's name and its cases' titles (suites/load/mixed-operations.test.ts), one per set of categories: the
 * soak reports a failure under the case that would show it, so an expectation entry for that case explains it there.
 */
export const LOAD_SUITE = 'mixed-operations';
export const LOAD_CASE_TITLES: Readonly<Record<OperationCategory, string>> = {
  use: 'key-use operations from concurrent clients all answer correctly',
  lifecycle: 'key creation and destruction mixed with key use from concurrent clients all answer correctly',
};
