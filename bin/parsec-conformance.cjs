#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx registers a TypeScript loader for require().
require('tsx/cjs');
require('../harness/run/cli.ts').main(process.argv);
