import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOFTHSM2_LIBRARY } from '../../../harness/setup';
import { LOGIN_ATTEMPTS_FILE, QUIRK_CONFIG_ENV, quirkConfigText, quirkTokenPin } from '../../../harness/targets/quirks';
import { createSoftHsmToken } from '../../../harness/targets/native/softhsm-token';

/** A fresh SoftHSM2 token in a temp folder of its own (the test removes `dir`), optionally behind the quirk token. */
export interface TestToken {
  readonly dir: string;
  /** The environment every process that loads the module needs (SOFTHSM2_CONF, the quirk token's config). */
  readonly env: NodeJS.ProcessEnv;
  /** The PIN an application logs in with. */
  readonly appPin: Buffer;
  readonly serial: string;
  /** SoftHSM2's token folder: one file per token object. */
  readonly tokenDir: string;
  /** The quirk token's record of login attempts (absent for plain SoftHSM2). */
  readonly attemptsFile: string;
}

/** A SoftHSM2 token as the native target makes it, behind the quirk token when `quirk` is given. */
export async function testToken(
  quirk?: string,
  options: { readonly hideMechanisms?: readonly number[]; readonly prefix?: string } = {},
): Promise<TestToken> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? `pc-token-${quirk ?? 'softhsm2'}-`));
  const appPin = quirk ? quirkTokenPin(quirk) : undefined;
  const token = await createSoftHsmToken(dir, appPin);
  const env: NodeJS.ProcessEnv = { ...process.env, SOFTHSM2_CONF: token.confPath };
  const stateDir = join(dir, 'tokens');
  if (quirk) {
    const conf = join(dir, 'quirk.conf');
    writeFileSync(
      conf,
      quirkConfigText({
        quirk,
        module: SOFTHSM2_LIBRARY,
        realPin: token.userPin,
        appPin: token.appPin,
        stateDir,
        ...(options.hideMechanisms ? { hideMechanisms: options.hideMechanisms } : {}),
      }),
      { mode: 0o600 },
    );
    env[QUIRK_CONFIG_ENV] = conf;
  }
  return {
    dir,
    env,
    appPin: token.appPin,
    serial: token.serialNumber,
    tokenDir: join(dir, 'tokens'),
    attemptsFile: join(stateDir, LOGIN_ATTEMPTS_FILE),
  };
}

/** The files of the token's objects (SoftHSM2 keeps one per object; session objects never reach the disk). */
export function objectFiles(token: TestToken): string[] {
  return readdirSync(token.tokenDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.object') && !f.endsWith('token.object'))
    .sort();
}

/** The PIN as a user gives it in --pin-env: text, or hex: for bytes that are not text. */
export function pinValue(pin: Buffer): string {
  const text = pin.toString('utf8');
  return Buffer.from(text, 'utf8').equals(pin) ? text : `hex:${pin.toString('hex')}`;
}
