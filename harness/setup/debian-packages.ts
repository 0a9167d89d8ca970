import { runCommand } from './run-command';

/** The dpkg-query format `parseDpkgQuery` reads: package, version and status, tab-separated. */
export const DPKG_QUERY_FORMAT = '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n';

/** Installed packages (status "ii") from dpkg-query output in DPKG_QUERY_FORMAT. */
export function parseDpkgQuery(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const [name, version, status] = line.split('\t');
    if (name && version && status?.startsWith('ii')) out[name] = version;
  }
  return out;
}

/** Versions of this machine's installed Debian packages matching the patterns; empty where dpkg is not there. */
export async function hostPackageVersions(patterns: readonly string[]): Promise<Record<string, string>> {
  try {
    const r = await runCommand('dpkg-query', ['-W', '-f', DPKG_QUERY_FORMAT, ...patterns]);
    return parseDpkgQuery(r.output);
  } catch {
    return {};
  }
}
