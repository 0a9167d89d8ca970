import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOBUF_CONTRACT } from '../wire';
import type { HarnessInfo, RunOptionsRecord } from './model';

/** Set by the CLI: the run's options as results.json records them (JSON of a RunOptionsRecord, never a secret). */
export const RUN_RECORD_ENV = 'PARSEC_CONFORMANCE_RUN_RECORD';

/**
 * The harness that ran: package.json's version, the checkout's commit when the project is a git checkout (absent
 * otherwise; never an error), and the protobuf contract its wire client speaks.
 */
export function harnessInfo(projectRoot: string): HarnessInfo {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version?: unknown };
  const commit = gitCommit(projectRoot);
  return {
    version: typeof pkg.version === 'string' ? pkg.version : 'unknown',
    ...(commit ? { commit } : {}),
    contract: PROTOBUF_CONTRACT,
  };
}

function gitCommit(projectRoot: string): string | undefined {
  if (!existsSync(join(projectRoot, '.git'))) return undefined;
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: projectRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    return undefined; // no git on this machine, or not a checkout after all
  }
}

/** The run's options as the CLI handed them over, or undefined when the run was not started by the CLI. */
export function runRecordFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptionsRecord | undefined {
  const raw = env[RUN_RECORD_ENV];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as RunOptionsRecord;
  } catch {
    return undefined;
  }
}
