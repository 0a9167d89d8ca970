import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDir } from '../../lifecycle';
import type { ParsecBinary } from '../../setup';
import { probeAnswers, probeConfig, type AuthenticatorsBuiltIn } from '../probe';
import { parsecCommand, parsecEnv } from './native-target';

/** Starts the binary once per authenticator on a config without providers, and reads what it says. */
export function probeNativeAuthenticators(parsec: ParsecBinary): AuthenticatorsBuiltIn {
  const dir = createRunDir(tmpdir(), 'probe');
  try {
    return probeAnswers((name) => {
      const configPath = join(dir, `${name}.toml`);
      writeFileSync(configPath, probeConfig(name, dir, process.getuid?.() === 0));
      const { command, args } = parsecCommand(parsec, configPath);
      const r = spawnSync(command, args, { cwd: dir, env: parsecEnv(parsec), encoding: 'utf8', timeout: 10_000 });
      return `${r.stdout ?? ''}${r.stderr ?? ''}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
