import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputTail, runCommand } from '../../setup';
import type { HarnessToken } from '../config/service-config';
import { redact } from '../logs';
import { TargetStartError } from '../target-start-error';

export const TOKEN_LABEL = 'parsec-conformance';

/** The token's secrets go into Parsec's config (mode 0600) and nowhere else. */
export interface SoftHsmToken extends HarnessToken {
  /** Value for SOFTHSM2_CONF in every process that uses this token (Parsec included). */
  readonly confPath: string;
}

/**
 * softhsm2-util takes PINs as arguments or from its terminal, and any local user can read a process's arguments.
 * So it runs on a pseudo-terminal (util-linux `script`) and the PINs are typed into it: SO PIN twice, user PIN twice.
 * The terminal echoes what it was given before the tool turns echo off, so the output is never shown unredacted.
 */
export function initTokenCommand(label: string): { command: string; args: string[] } {
  return { command: 'script', args: ['-qec', `softhsm2-util --init-token --free --label ${label}`, '/dev/null'] };
}

export function pinTyping(soPin: string, userPin: string): string {
  return `${soPin}\n${soPin}\n${userPin}\n${userPin}\n`;
}

/** The serial number of the token labelled `label` in `softhsm2-util --show-slots` output. */
export function serialFromShowSlots(output: string, label: string): string | undefined {
  for (const block of output.split(/^Slot /m)) {
    const tokenLabel = /^\s*Label:\s*(.*?)\s*$/m.exec(block)?.[1];
    const serial = /^\s*Serial number:\s*(\S+)\s*$/m.exec(block)?.[1];
    if (tokenLabel === label && serial) return serial;
  }
  return undefined;
}

/**
 * A fresh SoftHSM2 token in `runDir/tokens`, with random PINs created for this run only. `appPin` is the PIN an
 * application logs in with: SoftHSM2's own, or the one of the quirk token that will wrap it.
 */
export async function createSoftHsmToken(runDir: string, appPin?: Buffer): Promise<SoftHsmToken> {
  const tokenDir = join(runDir, 'tokens');
  mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
  const confPath = join(runDir, 'softhsm2.conf');
  writeFileSync(
    confPath,
    [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', ''].join('\n'),
    { mode: 0o600 },
  );
  const userPin = randomBytes(12).toString('hex');
  const soPin = randomBytes(12).toString('hex');
  const env = { ...process.env, SOFTHSM2_CONF: confPath };
  const { command, args } = initTokenCommand(TOKEN_LABEL);
  // In a group of its own: a Ctrl-C now would end `script` and leave softhsm2-util to PID 1 (see runCommand).
  const init = await runCommand(command, args, { env, typed: pinTyping(soPin, userPin), ownGroup: true });
  const initialised = /The token has been initialized/.test(init.output);
  if (init.code !== 0 || !initialised) {
    throw new TargetStartError(`softhsm2-util --init-token failed with code ${init.code}`, {
      'softhsm2-util output': redact(outputTail(init.output, 30), [userPin, soPin]),
    });
  }
  const slots = await runCommand('softhsm2-util', ['--show-slots'], { env });
  const serialNumber = serialFromShowSlots(slots.output, TOKEN_LABEL);
  if (slots.code !== 0 || serialNumber === undefined) {
    throw new TargetStartError(`softhsm2-util --show-slots did not list a token labelled ${TOKEN_LABEL}`, {
      'softhsm2-util output': redact(outputTail(slots.output, 30), [userPin, soPin]),
    });
  }
  return { confPath, serialNumber, userPin, soPin, appPin: appPin ?? Buffer.from(userPin) };
}
