export { ensureSetup, ensureSystemPackages, type SetupOptions, type SetupResult } from './ensure-setup';
export { checkSetup, formatSetupReport, type CheckOptions, type SetupReport } from './check-setup';
export { SetupError } from './setup-error';
export {
  DEFAULT_PARSEC_SUITE,
  PARSEC_SUITES,
  isParsecSuite,
  parseParsecSuite,
  type ParsecSuite,
} from './parsec-suites';
export { deriveDebianMirror, machineDebianMirror, mirrorFromDeb822, mirrorFromSourcesList } from './debian-mirror';
export { dependencyNames, privateLibraryDependencies, readDebianParsec, type DebianParsec } from './debian-parsec';
export { resolveParsecLocally, type LocalResolution, type ParsecChoice } from './resolve-parsec';
export {
  checkSystemPackages,
  installCommand,
  installSystemPackages,
  SOFTHSM2_LIBRARY,
  P11_KIT_HEADER,
  SYSTEM_REQUIREMENTS,
  type RequirementStatus,
} from './system-packages';
export { findProjectRoot, parsecCacheRoot } from './project-root';
export { runCommand, outputTail, type CommandResult } from './run-command';
export type { ParsecBinary } from './parsec-binary';
export * from './docker';
export { findExecutable, findSystemLibrary, isExecutableFile } from './find-executable';
export { DPKG_QUERY_FORMAT, hostPackageVersions, parseDpkgQuery } from './debian-packages';
export { ensurePkcs11Tools, type Pkcs11Tools } from './pkcs11-tools';
export { compiledOnce, type CompileStep } from './compiled-once';
