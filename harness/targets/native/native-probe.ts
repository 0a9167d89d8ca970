import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDir } from '../../lifecycle';
import type { ParsecBinary } from '../../setup';
import {
  PROBED_AUTHENTICATORS,
  probeAnswer,
  probeConfig,
  type AuthenticatorsBuiltIn,
  type ProbedAuthenticator,
} from '../probe';
import { parsecCommand } from './native-target';

/** Starts the binary once per authenticator on a config without providers, and reads what it says. */
export function probeNativeAuthenticators(parsec: ParsecBinary): AuthenticatorsBuiltIn {
  const dir = createRunDir(tmpdir(), 'probe');
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.RUST_LOG;
    if (parsec.libraryPath && !parsec.loader) {
      env.LD_LIBRARY_PATH = [parsec.libraryPath, env.LD_LIBRARY_PATH].filter((p) => p).join(':');
    }
    const found: Partial<Record<ProbedAuthenticator, boolean | undefined>> = {};
    for (const name of Object.keys(PROBED_AUTHENTICATORS) as ProbedAuthenticator[]) {
      const configPath = join(dir, `${name}.toml`);
      writeFileSync(configPath, probeConfig(name, dir, process.getuid?.() === 0));
      const { command, args } = parsecCommand(parsec, configPath);
      const r = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8', timeout: 10_000 });
      found[name] = probeAnswer(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    }
    return found as AuthenticatorsBuiltIn;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
