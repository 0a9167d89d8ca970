import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { harnessLayers } from './harness/layers.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', '.cache/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // harness/ is the library and its folders are layers: each imports only the folders below it (the table in
    // harness/layers.mjs), and nothing in harness/ imports suites/ or fixtures/.
    files: ['harness/**/*.ts'],
    plugins: { harness: harnessLayers.plugin },
    rules: { 'harness/layers': 'error' },
  },
);
