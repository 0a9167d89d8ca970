// Docker for the container target and the source builds: the engine, the base image, the harness's images (built
// from containers/, cached by content) and Parsec built from Debian's crate sources.
export { dockerClient, engineProblem, followStream } from './docker-client';
export { ensureDockerEngine, DOCKERD_LOG, type EngineInfo } from './docker-engine';
export {
  defaultBaseImage,
  ensureBaseImage,
  ensureImagePresent,
  imagePresent,
  localBaseImage,
  suiteOf,
  tryPull,
} from './base-image';
export {
  ensureImage,
  recipeHash,
  tagOf,
  CONTENT_LABEL,
  EPHEMERAL_LABEL,
  IMAGE_LABEL,
  type EnsuredImage,
  type ImageRecipe,
} from './image-build';
export {
  containersDir,
  imageBase,
  parsecBinaryImage,
  parsecBuildImage,
  parsecImage,
  parsecToolImage,
  softhsm2Image,
  swtpmImage,
  type ImageBase,
} from './images';
export { ensureParsecBuild, ensureParsecBuildImage, type ParsecBuildRequest } from './parsec-build';
export { demux, runOneShot } from './one-shot';
