import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenProfile } from '../model/token-profile';
import { ensurePkcs11Tools } from '../setup';
import type { TargetSpec } from '../targets';
import type { RunContext } from '../context';
import { listTokenObjects, pinBytes, probeToken } from '../tokens';

/** The file a run with --pkcs11-module writes its token's profile to, next to its other reports. */
export const TOKEN_PROFILE_FILE = 'token-profile.json';

/**
 * For a run on a PKCS#11 module of the user's: the token's profile, probed before Parsec starts and without anything
 * destructive (the only login uses the run's own PIN), written to `<out>/token-profile.json`. Undefined for a run on
 * the harness's own tokens.
 */
export async function profileVendorToken(
  spec: TargetSpec,
  outDir: string,
  log: (line: string) => void,
): Promise<{ profile: TokenProfile; token: NonNullable<RunContext['vendorToken']> } | undefined> {
  if (spec.kind === 'external') return undefined;
  const p = spec.providers.find((x) => x.key === 'pkcs11');
  if (p?.key !== 'pkcs11' || p.module === undefined) return undefined;
  const tools = await ensurePkcs11Tools(log);
  const value = p.pin?.kind === 'env' ? process.env[p.pin.variable] : undefined;
  if (p.pin?.kind === 'env' && value === undefined) {
    throw new Error(`the PKCS#11 PIN variable ${p.pin.variable} is not set; export it with the token's user PIN`);
  }
  const pin = value !== undefined ? pinBytes(value) : undefined;
  let profile: TokenProfile;
  let objectsAtStart;
  const selector = {
    module: p.module,
    ...(p.slot !== undefined ? { slot: p.slot } : {}),
    ...(p.serial !== undefined ? { serial: p.serial } : {}),
  };
  try {
    profile = await probeToken({
      probe: tools.probe,
      ...selector,
      ...(pin ? { pin } : {}),
      destructive: false,
      log,
    });
    // What is on the token before the run: the run must leave exactly this.
    objectsAtStart = await listTokenObjects(selector, pin);
  } finally {
    pin?.fill(0);
  }
  writeFileSync(join(outDir, TOKEN_PROFILE_FILE), `${JSON.stringify(profile, null, 2)}\n`);
  const lacking = profile.parsecUses.filter((u) => !u.available);
  const t = profile.token;
  log(
    `${objectsAtStart.length} objects on the token before the run; token "${t.label}" (${t.manufacturer} ${t.model}, serial ${t.serial}): ${lacking.length === 0 ? "it has every mechanism Parsec's PKCS#11 provider uses" : `it lacks ${lacking.map((u) => u.what).join(', ')}: those cases expect PsaErrorNotSupported`}; quirks seen: ${profile.quirks.seen.map((q) => q.name).join(', ') || 'none'} (profile: ${join(outDir, TOKEN_PROFILE_FILE)})`,
  );
  return {
    profile,
    token: { ...selector, ...(p.pin?.kind === 'env' ? { pinEnv: p.pin.variable } : {}), objectsAtStart },
  };
}
