/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// One transform for everything: SWC strips types fast; `npm run typecheck` does the type checking.
const transform: Config['transform'] = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      slowTestThreshold: 60,
    },
    {
      // The product: conformance suites against a real Parsec. Started by `parsec-conformance run`,
      // which brings the target up through globalSetup and tears it down in globalTeardown.
      displayName: 'conformance',
      testMatch: ['<rootDir>/suites/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/harness/run/jest-global-setup.ts',
      globalTeardown: '<rootDir>/harness/run/jest-global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
};

export default config;
