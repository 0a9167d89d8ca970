import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderKey } from '../model/providers';
import { runOptionsFromEnv } from '../run/options';
import { findProjectRoot, parsecCacheRoot, resolveParsecLocally } from '../setup';
import { tomlEntry, type NativeTarget } from '../targets/native';
import { choiceOf, startSecondInstance } from './second-instance';
import type { ParsecBinary } from '../targets/target';

export interface SecondTargetOptions {
  readonly providers: readonly ProviderKey[];
  readonly admins?: readonly string[];
}

/**
 * A second Parsec, next to the run's own, configured with the Direct authenticator so a suite can speak as several
 * named applications. The binary is the run's (same --parsec / --parsec-bin choice, read from the environment the
 * CLI passes to Jest); ensureSetup only checks files when everything is in place. The caller stops it.
 */
export function startDirectTarget(opts: SecondTargetOptions): Promise<NativeTarget> {
  return startSecondInstance({ ...opts, authenticator: 'Direct' });
}

/** What Parsec prints when the configured authenticator is not in the build (service_builder.rs). */
const NOT_COMPILED = /chosen in the configuration was not compiled in Parsec binary/;
/** What it prints, after building the authenticator, when no provider is configured. */
const NO_PROVIDER = /needs at least one provider/;

/**
 * Whether the run's Parsec binary was built with the Direct authenticator (cargo feature `direct-authenticator`;
 * Debian's builds leave it out). Asked synchronously, while Jest collects cases, by starting the binary on a config
 * with the Direct authenticator and no provider: it exits at once, naming either the missing authenticator or the
 * missing provider. Returns a skip reason, or undefined when Direct is available or the question has no answer (then
 * the cases run and fail loudly if the target does not start).
 */
export function directAuthenticatorUnavailable(): string | undefined {
  const run = runOptionsFromEnv();
  const local = resolveParsecLocally(choiceOf(run), parsecCacheRoot(findProjectRoot()));
  if (local.kind !== 'found') return undefined;
  return probeDirect(local.parsec);
}

export function probeDirect(parsec: ParsecBinary): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'proto-direct-probe-'));
  try {
    const config = [
      '[core_settings]',
      tomlEntry('allow_root', process.getuid?.() === 0),
      tomlEntry('log_level', 'info'),
      '',
      '[listener]',
      tomlEntry('listener_type', 'DomainSocket'),
      tomlEntry('timeout', 200),
      tomlEntry('socket_path', join(dir, 'p.sock')),
      '',
      '[authenticator]',
      tomlEntry('auth_type', 'Direct'),
      '',
      '[[key_manager]]',
      tomlEntry('name', 'sqlite-manager'),
      tomlEntry('manager_type', 'SQLite'),
      tomlEntry('sqlite_db_path', join(dir, 'kim.sqlite3')),
      '',
    ].join('\n');
    const configPath = join(dir, 'config.toml');
    writeFileSync(configPath, config);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.RUST_LOG;
    if (parsec.libraryPath) env.LD_LIBRARY_PATH = [parsec.libraryPath, env.LD_LIBRARY_PATH].filter((p) => p).join(':');
    const r = spawnSync(parsec.path, ['-c', configPath], { cwd: dir, env, encoding: 'utf8', timeout: 10_000 });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (NOT_COMPILED.test(output) && !NO_PROVIDER.test(output)) {
      return `the Parsec binary (${parsec.origin}) was built without the Direct authenticator (cargo feature direct-authenticator): it refuses auth_type = "Direct" at start`;
    }
    // Direct was built (the provider check came next), or neither answer came: then the cases try and say why.
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
