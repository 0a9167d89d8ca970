import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsecBinary } from '../parsec-binary';
import { findProjectRoot, parsecCacheRoot } from '../project-root';
import { SetupError } from '../setup-error';
import { DPKG_QUERY_FORMAT, parseDpkgQuery } from '../debian-packages';
import { runOneShot } from './one-shot';
import { ensureDockerEngine } from './docker-engine';
import { imageBase, parsecBuildImage, parsecImage } from './images';

export interface ParsecBuildRequest {
  /** Debian suite whose librust-parsec-service-dev is compiled. */
  readonly suite: 'trixie';
  readonly features: readonly string[];
  readonly baseImage?: string;
  readonly log?: (line: string) => void;
}

/** The image holding a source build of Parsec (in the runtime image of Debian's package), built once per content. */
export async function ensureParsecBuildImage(r: ParsecBuildRequest): Promise<{ image: string; buildInfo: string }> {
  const log = r.log ?? (() => undefined);
  await ensureDockerEngine(log);
  const base = await imageBase(r.baseImage, log);
  const runtime = await parsecImage(base, r.suite, log);
  const built = await parsecBuildImage(base, runtime.tag, r.features, (l) => log(l));
  return { image: built.tag, buildInfo: await readFromImage(built.tag, '/usr/share/parsec-conformance/build-info') };
}

async function readFromImage(image: string, path: string): Promise<string> {
  const r = await runOneShot(image, ['cat', path]);
  return r.code === 0 ? r.output.trim() : '';
}

// Copies the binary, the libraries it and the TCTI plugins link (C library and dynamic loader included), and the
// plugins themselves, so that the trixie build runs on an older Debian through its own loader.
const EXTRACT_SCRIPT = `
set -eu
mkdir -p /out/lib
cp /usr/bin/parsec /out/parsec
cp /usr/share/parsec-conformance/build-info /out/build-info
dpkg-query -W -f "$FORMAT" > /out/packages.tsv
plugins=$(ls /usr/lib/*/libtss2-tcti-*.so.0 2>/dev/null || true)
for f in /usr/bin/parsec $plugins; do
  case "$f" in /usr/bin/parsec) ;; *) cp -L "$f" /out/lib/ ;; esac
  ldd "$f" | awk '$2 == "=>" && $3 ~ /^\\// {print $3} $1 ~ /^\\// {print $1}'
done | sort -u | while read -r lib; do cp -L "$lib" /out/lib/; done
chown -R "$OWNER" /out
`;

/**
 * A source build of Parsec, ready to run on this machine: built in its image (cached by suite and features), then
 * its binary and library closure copied out once into .cache/parsec/build-<content>/. It runs through the dynamic
 * loader it was linked with, so a trixie build runs on bookworm too.
 */
export async function ensureParsecBuild(r: ParsecBuildRequest): Promise<ParsecBinary> {
  const { image, buildInfo } = await ensureParsecBuildImage(r);
  const content = image.split(':')[1] as string;
  const cacheRoot = parsecCacheRoot(findProjectRoot());
  const dir = join(cacheRoot, `build-${content}`);
  const describe = `build:${r.suite}+${[...r.features].sort().join('+')}`;
  // The list of packages is written last: a folder without it is an older or interrupted copy.
  if (!existsSync(join(dir, 'packages.tsv'))) {
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const owner = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    const script = `OWNER=${owner}\nFORMAT='${DPKG_QUERY_FORMAT}'\n${EXTRACT_SCRIPT}`;
    const res = await runOneShot(image, ['sh', '-c', script], [`${staging}:/out`]);
    if (res.code !== 0) {
      rmSync(staging, { recursive: true, force: true });
      throw new SetupError(`copying the Parsec build out of ${image} failed (exit ${res.code})`, res.output);
    }
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ image, describe, buildInfo }, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  const lib = join(dir, 'lib');
  const loader = readdirSync(lib).find((f) => /^ld-linux.*\.so\.\d+$/.test(f));
  if (!loader) throw new SetupError(`the Parsec build in ${dir} has no dynamic loader in lib/`);
  return {
    path: join(dir, 'parsec'),
    libraryPath: lib,
    loader: join(lib, loader),
    origin: describe,
    packageVersion: /^crate=(.*)$/m.exec(readFileSync(join(dir, 'build-info'), 'utf8'))?.[1],
    // The libraries it runs with are the runtime image's, copied out with it.
    packages: parseDpkgQuery(readFileSync(join(dir, 'packages.tsv'), 'utf8')),
  };
}
