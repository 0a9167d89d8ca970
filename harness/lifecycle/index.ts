export { registerCleanup, runCleanupsNow, pendingCleanupCount, stoppingReason, type Cleanup } from './cleanup-registry';
export { isGroupAlive, isPidAlive, killGroup, killGroupSync, signalGroup } from './process-group';
export { createRunDir, runDirOwnerPid, sweepStaleRunDirs, RUN_DIR_PREFIX, type SweepOptions } from './run-dir';
export {
  spawnWatched,
  WATCHDOG_SCRIPT,
  type ExitInfo,
  type WatchedProcess,
  type WatchedSpawnOptions,
} from './watched-spawn';
