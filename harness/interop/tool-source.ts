import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ParsecToolInfo } from '../context';
import {
  DEFAULT_PARSEC_SUITE,
  ensureSetup,
  findExecutable,
  hostPackageVersions,
  imageBase,
  parsecCacheRoot,
  parsecToolImage,
  readDebianParsec,
  runOneShot,
  type ParsecSuite,
} from '../setup';
import type { TargetSpec } from '../targets';

/** The Debian suite whose parsec-tool goes with the Parsec of `spec`: its own suite, else the default one. */
export function parsecToolSuite(spec: TargetSpec): ParsecSuite {
  if (spec.kind !== 'external' && (spec.parsec.from === 'debian' || spec.parsec.from === 'build')) {
    return spec.parsec.suite;
  }
  return DEFAULT_PARSEC_SUITE;
}

/** Debian versions of client images, by image tag: the tag is a content hash, so it is asked once per image. */
function imageVersionCache(): string {
  return join(parsecCacheRoot(), 'client-image-versions.json');
}

async function imageToolVersion(image: string): Promise<string | undefined> {
  const file = imageVersionCache();
  let cache: Record<string, string> = {};
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    // First client image on this machine.
  }
  if (cache[image]) return cache[image];
  const r = await runOneShot(image, ['dpkg-query', '-W', '-f', '${Version}', 'parsec-tool']);
  const version = r.code === 0 ? r.output.trim() : undefined;
  if (version) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...cache, [image]: version }, null, 2)}\n`);
  }
  return version;
}

/**
 * parsec-tool for a run of `spec`: natively the binary of the same Debian suite as the service, unpacked next to it in
 * the cache (fetched when missing), or the one on PATH beside a Parsec of the user's; in containers a client image of
 * that suite, built once per content. Never throws: what cannot be had is `unavailable` with the reason.
 */
export async function resolveParsecTool(spec: TargetSpec, log: (line: string) => void): Promise<ParsecToolInfo> {
  const suite = parsecToolSuite(spec);
  try {
    if (spec.kind === 'containers') {
      const base = await imageBase(spec.baseImage, log);
      const image = (await parsecToolImage(base, suite, log)).tag;
      const version = await imageToolVersion(image);
      return { kind: 'image', image, suite, ...(version ? { version } : {}) };
    }
    const ownBinary = spec.kind === 'native' && spec.parsec.from === 'binary';
    const onPath = ownBinary ? findExecutable('parsec-tool') : undefined;
    if (onPath) {
      const version = (await hostPackageVersions(['parsec-tool']))['parsec-tool'];
      return { kind: 'binary', path: onPath, ...(version ? { version } : {}) };
    }
    const cached =
      readDebianParsec(parsecCacheRoot(), suite) ??
      (await ensureSetup({ parsecSuite: suite, providers: [], log }), readDebianParsec(parsecCacheRoot(), suite));
    if (!cached?.parsecToolPath) {
      return { kind: 'unavailable', reason: `the unpacked Debian ${suite} packages in the cache have no parsec-tool` };
    }
    const version = cached.manifest.packages['parsec-tool'];
    return { kind: 'binary', path: cached.parsecToolPath, suite, ...(version ? { version } : {}) };
  } catch (e) {
    return {
      kind: 'unavailable',
      reason: `parsec-tool of Debian ${suite} could not be set up: ${(e as Error).message}`,
    };
  }
}
