#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx registers a TypeScript loader for require().
// esbuild (behind tsx and Jest's config loader) otherwise keeps a service process that outlives the CLI and is left as
// a zombie for the system to collect; without worker threads each transform is a child that is waited for at once.
process.env.ESBUILD_WORKER_THREADS ??= '0';
require('tsx/cjs');
require('../harness/run/cli.ts').main(process.argv);
