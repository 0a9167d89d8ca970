import { randomBytes } from 'node:crypto';
import { outputTail, runCommand } from '../setup';

/** How the probe selects the token: as Parsec does, by slot number or serial, else the one initialised token. */
export interface TokenSelector {
  readonly module: string;
  readonly slot?: number;
  readonly serial?: string;
}

/** A failure of the probe itself (module cannot be loaded, no such slot…): what it said, never a PIN. */
export class TokenProbeError extends Error {
  override readonly name = 'TokenProbeError';
}

/** The PIN a probe logs in with: bytes (passed through the probe's environment as hex), or a NULL PIN, or none. */
export type ProbePin =
  { readonly kind: 'bytes'; readonly bytes: Buffer } | { readonly kind: 'null' } | { readonly kind: 'none' };

/** The environment variable, private to each probe process, that carries the PIN's hex to it. */
const PIN_HEX_ENV = 'PARSEC_CONFORMANCE_PROBE_PIN_HEX';

/**
 * Runs the harness's pkcs11-probe (containers/pkcs11/pkcs11-probe.c) once and returns the JSON it printed. The PIN
 * goes in the child's environment only, never on its command line; the module's own stderr lines are kept out of the
 * answer.
 */
export async function runProbe(
  probe: string,
  command: 'info' | 'login',
  selector: TokenSelector,
  options: { readonly pin?: ProbePin; readonly flags?: readonly string[]; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<Record<string, unknown>> {
  const args = [command, '--module', selector.module];
  if (selector.slot !== undefined) args.push('--slot', String(selector.slot));
  if (selector.serial !== undefined) args.push('--serial', selector.serial);
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  delete env[PIN_HEX_ENV];
  const pin = options.pin ?? { kind: 'none' };
  if (command === 'login') {
    if (pin.kind === 'bytes') {
      env[PIN_HEX_ENV] = pin.bytes.toString('hex');
      args.push('--pin-hex-env', PIN_HEX_ENV);
    } else if (pin.kind === 'null') args.push('--null-pin');
    else args.push('--no-login');
  }
  args.push(...(options.flags ?? []));
  const r = await runCommand(probe, args, { env });
  const line = r.output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed.error === 'string' || r.code !== 0) {
    const said = typeof parsed?.error === 'string' ? parsed.error : `exit ${r.code}`;
    throw new TokenProbeError(`the PKCS#11 probe of ${selector.module} failed: ${said}`, {
      cause: outputTail(r.output, 10),
    });
  }
  return parsed;
}

/** A PIN that is surely wrong, of a length the token takes (a wrong length could be refused for its length alone). */
export function wrongPin(minLen: number, maxLen: number): Buffer {
  const len = Math.max(Math.min(12, maxLen > 0 ? maxLen : 12), minLen, 4);
  return Buffer.from(`pc-wrong-${randomBytes(16).toString('hex')}`.slice(0, len));
}
