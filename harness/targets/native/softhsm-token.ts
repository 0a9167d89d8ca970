import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputTail, runCommand } from '../../setup';
import { redact } from './log-tail';
import { TargetStartError } from './target-start-error';

export const TOKEN_LABEL = 'parsec-conformance';

export interface SoftHsmToken {
  /** Value for SOFTHSM2_CONF in every process that uses this token (Parsec included). */
  readonly confPath: string;
  readonly serialNumber: string;
  /** Secrets: they go into Parsec's config (mode 0600) and nowhere else. */
  readonly userPin: string;
  readonly soPin: string;
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

/** A fresh SoftHSM2 token in `runDir/tokens`, with random PINs created for this run only. */
export async function createSoftHsmToken(runDir: string): Promise<SoftHsmToken> {
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
  // softhsm2-util only takes PINs as arguments; the command line is never logged, and outputs are redacted.
  const init = await runCommand(
    'softhsm2-util',
    ['--init-token', '--free', '--label', TOKEN_LABEL, '--pin', userPin, '--so-pin', soPin],
    { env },
  );
  if (init.code !== 0) {
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
  return { confPath, serialNumber, userPin, soPin };
}
