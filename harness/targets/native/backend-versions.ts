import { hostPackageVersions, type ParsecBinary } from '../../setup';
import type { NativeSpec } from '../spec';
import { componentVersions, VERSION_PACKAGES } from '../versions';

/**
 * What a native target's backends are: the libraries an unpacked Parsec brings (they win: Parsec loads those), then
 * this machine's packages; a token or TPM of the user's is named by its module or TCTI.
 */
export async function nativeBackendVersions(spec: NativeSpec, parsec: ParsecBinary): Promise<Record<string, string>> {
  const versions = componentVersions(parsec.packages ?? {}, await hostPackageVersions(VERSION_PACKAGES));
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
