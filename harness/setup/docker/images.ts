import { join } from 'node:path';
import { hostAptSettings, machineDebianMirror } from '../debian-mirror';
import { PARSEC_SUITES, type ParsecSuite } from '../parsec-suites';
import { findProjectRoot } from '../project-root';
import { runCommand } from '../run-command';
import { ensureBaseImage } from './base-image';
import { ensureImage, type EnsuredImage, type ImageRecipe } from './image-build';

export function containersDir(projectRoot: string = findProjectRoot()): string {
  return join(projectRoot, 'containers');
}

/** What every image build of one base shares: the base, this machine's mirror and apt Acquire settings. */
export interface ImageBase {
  readonly containersDir: string;
  readonly baseImage: string;
  readonly mirror?: string;
  readonly aptHostConf: string;
}

/** Resolves (and makes, when needed) the base image, and reads this machine's apt settings once. */
export async function imageBase(requestedBase: string | undefined, log: (line: string) => void): Promise<ImageBase> {
  const dir = containersDir();
  const baseImage = await ensureBaseImage(dir, requestedBase, log);
  let dump = '';
  try {
    dump = (await runCommand('apt-config', ['dump'])).output;
  } catch {
    // Not a Debian machine: the images keep their own apt settings.
  }
  return { containersDir: dir, baseImage, mirror: machineDebianMirror(), aptHostConf: hostAptSettings(dump) };
}

function onBase(
  b: ImageBase,
  name: string,
  dockerfile: string,
  include: string[],
  args: Record<string, string> = {},
): ImageRecipe {
  return {
    name,
    containersDir: b.containersDir,
    dockerfile,
    include: ['common', ...include],
    generated: { 'common/apt-host.conf': { text: b.aptHostConf } },
    buildArgs: { BASE_IMAGE: b.baseImage, ...(b.mirror ? { DEBIAN_MIRROR: b.mirror } : {}), ...args },
    dependsOn: [b.baseImage],
  };
}

/**
 * SoftHSM2 serving its token over p11-kit, whose server comes from `p11kitSuite`: the suite of the Parsec
 * container's p11-kit client (the remoting needs the same p11-kit on both sides).
 */
export const softhsm2Image = (
  b: ImageBase,
  p11kitSuite: ParsecSuite,
  log: (l: string) => void,
): Promise<EnsuredImage> =>
  ensureImage(
    onBase(b, `softhsm2-${p11kitSuite}`, 'softhsm2/Dockerfile', ['softhsm2', 'pkcs11/quirk-token.c'], {
      P11KIT_SUITE: p11kitSuite,
    }),
    log,
  );

export const swtpmImage = (b: ImageBase, log: (l: string) => void): Promise<EnsuredImage> =>
  ensureImage(onBase(b, 'swtpm', 'swtpm/Dockerfile', ['swtpm']), log);

/** Debian's parsec-service of `suite` with what its providers need to reach the other containers. */
export const parsecImage = (b: ImageBase, suite: ParsecSuite, log: (l: string) => void): Promise<EnsuredImage> =>
  ensureImage(
    onBase(b, `parsec-${suite}`, 'parsec/Dockerfile', ['parsec'], {
      PARSEC_SUITE: suite,
      PARSEC_VERSION: PARSEC_SUITES[suite].parsecVersion,
    }),
    log,
  );

/** A client container: Debian's parsec-tool of `suite` (the suite of the Parsec under test), for interop runs. */
export const parsecToolImage = (b: ImageBase, suite: ParsecSuite, log: (l: string) => void): Promise<EnsuredImage> =>
  ensureImage(
    onBase(b, `parsec-tool-${suite}`, 'parsec-tool/Dockerfile', ['parsec-tool'], { PARSEC_SUITE: suite }),
    log,
  );

/** A Parsec binary of this machine in the runtime image of Debian's package; built for one run only. */
export function parsecBinaryImage(b: ImageBase, runtimeImage: string, binary: string, log: (l: string) => void) {
  return ensureImage(
    {
      name: 'parsec-binary',
      containersDir: b.containersDir,
      dockerfile: 'parsec-binary/Dockerfile',
      include: ['parsec-binary'],
      generated: { parsec: { copyOf: binary } },
      buildArgs: { RUNTIME_IMAGE: runtimeImage },
      dependsOn: [runtimeImage],
      ephemeral: true,
    },
    log,
  );
}

/** Parsec built from Debian's crate sources with these cargo features, in the runtime image of Debian's package. */
export function parsecBuildImage(
  b: ImageBase,
  runtimeImage: string,
  features: readonly string[],
  log: (l: string) => void,
) {
  const recipe = onBase(b, 'parsec-build', 'parsec-build/Dockerfile', ['parsec-build'], {
    RUNTIME_IMAGE: runtimeImage,
    FEATURES: [...features].sort().join(','),
  });
  return ensureImage({ ...recipe, dependsOn: [b.baseImage, runtimeImage] }, log);
}
