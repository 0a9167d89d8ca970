import { readFileSync } from 'node:fs';

export const DEB822_SOURCES = '/etc/apt/sources.list.d/debian.sources';
export const ONE_LINE_SOURCES = '/etc/apt/sources.list';

/**
 * The main Debian archive URI from a deb822 `.sources` text: the first `Types: deb` stanza whose suites are not a
 * security suite. The security archive only carries security updates, so it has no parsec-service.
 */
export function mirrorFromDeb822(text: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match && !line.startsWith('#')) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    const types = (fields.get('types') ?? '').split(/\s+/);
    const uri = (fields.get('uris') ?? '').split(/\s+/)[0];
    const suites = (fields.get('suites') ?? '').split(/\s+/);
    if (!types.includes('deb') || !uri) continue;
    if (suites.every((s) => s.endsWith('-security') || s.endsWith('/updates'))) continue;
    return uri.replace(/\/+$/, '');
  }
  return undefined;
}

/** Same, from one-line-style `sources.list` text (`deb [options] URI suite components`). */
export function mirrorFromSourcesList(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, uri, suite] = match;
    if (suite.endsWith('-security') || suite.endsWith('/updates')) continue;
    return uri.replace(/\/+$/, '');
  }
  return undefined;
}

export interface AptSourceTexts {
  readonly deb822?: string;
  readonly sourcesList?: string;
}

/** Pure: the mirror from the machine's apt configuration texts, deb822 first. */
export function deriveDebianMirror(texts: AptSourceTexts): string | undefined {
  return (
    (texts.deb822 === undefined ? undefined : mirrorFromDeb822(texts.deb822)) ??
    (texts.sourcesList === undefined ? undefined : mirrorFromSourcesList(texts.sourcesList))
  );
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The Debian mirror this machine already uses; we never name an archive host ourselves. */
export function machineDebianMirror(): string | undefined {
  return deriveDebianMirror({ deb822: readIfPresent(DEB822_SOURCES), sourcesList: readIfPresent(ONE_LINE_SOURCES) });
}

/** The Acquire settings of this machine's apt that an image build needs too (proxies, release-file date checks). */
const HOST_APT_KEYS = /^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy|Retries|ForceIPv4)\b/;

/** Lines of `apt-config dump` output an image build takes over, as an apt.conf fragment. */
export function hostAptSettings(dump: string): string {
  return dump
    .split('\n')
    .filter((l) => HOST_APT_KEYS.test(l))
    .map((l) => `${l}\n`)
    .join('');
}
