/**
 * Backend versions as reports name them, from Debian package versions. The same mapping serves every target: the
 * native one asks this machine's dpkg (and the manifest of an unpacked Parsec), the container one asks dpkg in each
 * container.
 */
const COMPONENTS: readonly { readonly component: string; readonly pattern: RegExp }[] = [
  { component: 'softhsm2', pattern: /^softhsm2$/ },
  { component: 'p11-kit', pattern: /^(p11-kit|libp11-kit0)$/ },
  { component: 'swtpm', pattern: /^swtpm$/ },
  { component: 'libtpms', pattern: /^libtpms0(t64)?$/ },
  { component: 'tpm2-tss', pattern: /^libtss2-esys-/ },
  { component: 'tcti-swtpm', pattern: /^libtss2-tcti-swtpm0(t64)?$/ },
  { component: 'mbedtls', pattern: /^libmbedcrypto\d+(t64)?$/ },
];

/** Package names (patterns for dpkg-query) whose versions `componentVersions` reads. */
export const VERSION_PACKAGES: readonly string[] = [
  'softhsm2',
  'p11-kit',
  'libp11-kit0',
  'swtpm',
  'libtpms0*',
  'libtss2-esys-*',
  'libtss2-tcti-swtpm0*',
  'libmbedcrypto*',
];

/**
 * Component → version for the given packages. When several sources know a component, the first wins: pass the
 * libraries Parsec really loads (an unpacked prefix) before the system's.
 */
export function componentVersions(...sources: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const packages of sources) {
    for (const [name, version] of Object.entries(packages)) {
      const c = COMPONENTS.find((x) => x.pattern.test(name));
      if (c && out[c.component] === undefined) out[c.component] = version;
    }
  }
  return out;
}
