import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ensurePkcs11Tools } from '../setup';
import { pinBytes, probeToken, promptPin, renderProfileSummary, TokenProbeError } from '../tokens';
import { UsageError } from './run-spec';
import { prepareOutFile } from './out-dir';

export interface ProbeTokenFlags {
  readonly module: string;
  readonly slot?: string;
  readonly serial?: string;
  readonly pinEnv?: string;
  readonly prompt: boolean;
  readonly allowDestructive?: boolean;
  readonly out: string;
  readonly json?: boolean;
}

/** The module path, checked: a file that exists (the probe's own "cannot load" says less). */
export function modulePath(value: string, option = '--module'): string {
  const path = resolve(value);
  if (!existsSync(path))
    throw new UsageError(`${option} ${value}: no such file (give the path of the token's PKCS#11 library, a .so)`);
  if (!statSync(path).isFile())
    throw new UsageError(`${option} ${value}: not a file (give the PKCS#11 library itself, a .so)`);
  return path;
}

/** --slot or --serial, as Parsec selects a token; at most one of them. */
export function tokenSelection(flags: { readonly slot?: string; readonly serial?: string }): {
  slot?: number;
  serial?: string;
} {
  if (flags.slot !== undefined && flags.serial !== undefined) {
    throw new UsageError(
      '--slot and --serial both select the token; give one of them (the serial is the steadier choice)',
    );
  }
  if (flags.slot !== undefined) {
    const n = Number(flags.slot);
    if (!/^\d+$/.test(flags.slot) || !Number.isSafeInteger(n)) {
      throw new UsageError(
        `--slot must be a slot number (a whole number from 0, as pkcs11-tool --list-slots shows it), got '${flags.slot}'`,
      );
    }
    return { slot: n };
  }
  if (flags.serial !== undefined) {
    if (flags.serial.trim() === '' || flags.serial.length > 16) {
      throw new UsageError(`--serial must be the token's serial number (1 to 16 characters), got '${flags.serial}'`);
    }
    return { serial: flags.serial.trim() };
  }
  return {};
}

/** The PIN's bytes from the environment variable named by --pin-env; the value itself is never shown. */
export function pinFromEnv(variable: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new UsageError(`--pin-env takes the name of an environment variable (letters, digits, _), got '${variable}'`);
  }
  const value = env[variable];
  if (value === undefined) {
    throw new UsageError(
      `--pin-env ${variable}: the variable is not set; export ${variable} with the token's user PIN first`,
    );
  }
  try {
    return pinBytes(value);
  } catch (e) {
    throw new UsageError(`--pin-env ${variable}: ${(e as Error).message}`);
  }
}

async function probeTokenCommand(flags: ProbeTokenFlags): Promise<number> {
  const module = modulePath(flags.module);
  const selection = tokenSelection(flags);
  // Where the profile goes is checked before the token is touched (exit 2 at once).
  const out = prepareOutFile(flags.out);
  const log = (l: string) => process.stderr.write(`[probe-token] ${l}\n`);
  let pin: Buffer | undefined;
  if (flags.pinEnv !== undefined) pin = pinFromEnv(flags.pinEnv);
  else if (flags.prompt) {
    const typed = await promptPin('User PIN of the token (not shown; Enter for none, hex:… for bytes): ');
    if (typed !== undefined && typed !== '') pin = pinBytes(typed);
  }
  const tools = await ensurePkcs11Tools(log);
  let profile;
  try {
    profile = await probeToken({
      probe: tools.probe,
      module,
      ...selection,
      ...(pin !== undefined ? { pin } : {}),
      destructive: flags.allowDestructive === true,
      log,
    });
  } catch (e) {
    if (e instanceof TokenProbeError) {
      process.stderr.write(
        `parsec-conformance: ${e.message}\n${typeof e.cause === 'string' && e.cause ? `${e.cause}\n` : ''}`,
      );
      return 2;
    }
    throw e;
  } finally {
    pin?.fill(0);
  }
  writeFileSync(out, `${JSON.stringify(profile, null, 2)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
  else process.stdout.write(renderProfileSummary(profile));
  log(`token profile written to ${out}`);
  return 0;
}

export function addProbeTokenCommand(program: Command): void {
  program
    .command('probe-token')
    .description(
      "characterise a PKCS#11 token directly (flags, mechanisms for Parsec's operations, logins, EC point encoding) and name its PIN quirks",
    )
    .requiredOption('--module <lib>', "the token's PKCS#11 library (a .so)")
    .addOption(new Option('--slot <n>', 'the slot of the token (default: the one slot with an initialised token)'))
    .addOption(new Option('--serial <s>', 'the serial number of the token (instead of --slot)'))
    .addOption(
      new Option(
        '--pin-env <var>',
        "environment variable holding the user PIN, written as Parsec's user_pin is: text, str:text, or hex:bytes",
      ),
    )
    .option('--no-prompt', 'without --pin-env, do not ask for the PIN on the terminal (probe without logging in)')
    .option(
      '--allow-destructive',
      'also send one wrong, one empty and one NULL PIN (each followed by the right PIN to reset the try counter) and make a session key pair: a wrong PIN can lock a real token',
    )
    .addOption(new Option('--out <file>', 'where to write the token profile (JSON)').default('token-profile.json'))
    .option('--json', 'print the profile as JSON instead of the summary')
    .addHelpText(
      'after',
      [
        '',
        'The PIN never goes on a command line and is never printed: it comes from --pin-env or a prompt (a terminal',
        'only), and reaches the probe through its private environment. By default nothing destructive happens: the',
        'only login uses the PIN given (a NULL PIN on a token with a PIN pad), and nothing is created on the token.',
        '',
        'Examples:',
        '  parsec-conformance probe-token --module /usr/lib/softhsm/libsofthsm2.so --serial 1a2b3c4d5e6f7081 --pin-env TOKEN_PIN',
        '  parsec-conformance probe-token --module /usr/lib/vendor/libvendor-pkcs11.so --slot 0',
        '  parsec-conformance probe-token --module ./libtoken.so --pin-env TOKEN_PIN --allow-destructive --out profile.json',
        '',
        'Exit status: 0 when the token was probed, 2 when the command line is wrong or the module cannot be used.',
      ].join('\n'),
    )
    .action(async (flags: ProbeTokenFlags) => {
      process.exitCode = await probeTokenCommand(flags);
    });
}
