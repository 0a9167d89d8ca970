import { runCommand, type ParsecBinary } from '../../setup';
import type { NativeSpec } from '../spec';
import { componentVersions, DPKG_QUERY_FORMAT, parseDpkgQuery, VERSION_PACKAGES } from '../versions';

/** Versions of this machine's Debian packages (installed ones only); empty where dpkg is not there. */
export async function hostPackageVersions(
  patterns: readonly string[] = VERSION_PACKAGES,
): Promise<Record<string, string>> {
  try {
    const r = await runCommand('dpkg-query', ['-W', '-f', DPKG_QUERY_FORMAT, ...patterns]);
    return parseDpkgQuery(r.output);
  } catch {
    return {};
  }
}

/**
 * What a native target's backends are: the libraries an unpacked Parsec brings (they win: Parsec loads those), then
 * this machine's packages; a token or TPM of the user's is named by its module or TCTI.
 */
export async function nativeBackendVersions(spec: NativeSpec, parsec: ParsecBinary): Promise<Record<string, string>> {
  const versions = componentVersions(parsec.packages ?? {}, await hostPackageVersions());
  const pkcs11 = spec.providers.find((p) => p.key === 'pkcs11');
  const tpm = spec.providers.find((p) => p.key === 'tpm');
  const out: Record<string, string> = {};
  for (const [component, version] of Object.entries(versions)) {
    if (['softhsm2'].includes(component) && (!pkcs11 || pkcs11.module !== undefined)) continue;
    if (['swtpm', 'libtpms'].includes(component) && (!tpm || tpm.tcti !== undefined)) continue;
    if (['tpm2-tss', 'tcti-swtpm'].includes(component) && !tpm) continue;
    if (component === 'tcti-swtpm' && tpm?.tcti !== undefined && !tpm.tcti.startsWith('swtpm')) continue;
    if (component === 'p11-kit') continue;
    out[component] = version;
  }
  if (pkcs11?.module !== undefined) out['pkcs11-module'] = pkcs11.module;
  if (tpm?.tcti !== undefined) out.tcti = tpm.tcti;
  return out;
}
