import {
  ensureDockerEngine,
  ensureImagePresent,
  imageBase,
  parsecBinaryImage,
  parsecBuildImage,
  parsecImage,
  softhsm2Image,
  swtpmImage,
  DEFAULT_PARSEC_SUITE,
} from '../../setup';
import { harnessBackendsOf } from '../config/service-config';
import type { ContainersSpec } from '../spec';
import { TargetSpecError } from '../spec-parse';

export interface TargetImages {
  readonly parsec: string;
  readonly softhsm2?: string;
  readonly swtpm?: string;
  /** Images built for this run only (a binary of the user's), removed when the run ends. */
  readonly ephemeral: readonly string[];
}

/** What the container target cannot do (yet), said before anything starts. */
export function containerSpecProblem(spec: ContainersSpec): string | undefined {
  for (const p of spec.providers) {
    if (p.key === 'tpm' && p.tcti !== undefined) {
      return `a TPM of yours (${p.tcti}) runs with the native target; the container target serves its own swtpm`;
    }
  }
  return undefined;
}

/**
 * The images a container spec runs on, each built once per content (fast when they are all there): Parsec from its
 * source, and SoftHSM2 and swtpm where the spec needs the harness's own backends.
 */
export async function ensureTargetImages(spec: ContainersSpec, log: (line: string) => void): Promise<TargetImages> {
  const problem = containerSpecProblem(spec);
  if (problem) throw new TargetSpecError(problem);
  await ensureDockerEngine(log);
  const base = await imageBase(spec.baseImage, log);
  const needs = harnessBackendsOf(spec);
  const ephemeral: string[] = [];
  let parsec: string;
  const source = spec.parsec;
  // The suite of the Parsec container's p11-kit client, which the token's p11-kit server must match.
  const p11kitSuite = source.from === 'debian' ? source.suite : DEFAULT_PARSEC_SUITE;
  switch (source.from) {
    case 'debian':
      parsec = (await parsecImage(base, source.suite, log)).tag;
      break;
    case 'image':
      await ensureImagePresent(source.image, 'the Parsec image');
      parsec = source.image;
      break;
    case 'binary': {
      const runtime = await parsecImage(base, DEFAULT_PARSEC_SUITE, log);
      parsec = (await parsecBinaryImage(base, runtime.tag, source.path, log)).tag;
      ephemeral.push(parsec);
      break;
    }
    case 'build': {
      const runtime = await parsecImage(base, source.suite, log);
      parsec = (await parsecBuildImage(base, runtime.tag, source.features, log)).tag;
      break;
    }
  }
  return {
    parsec,
    ...(needs.token ? { softhsm2: (await softhsm2Image(base, p11kitSuite, log)).tag } : {}),
    ...(needs.swtpm ? { swtpm: (await swtpmImage(base, log)).tag } : {}),
    ephemeral,
  };
}
