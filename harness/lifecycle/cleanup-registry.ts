/** A synchronous cleanup: it may run from a process 'exit' handler, where nothing asynchronous completes. */
export type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

const SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Registers `fn` to run once when the process exits or is stopped by SIGINT/SIGTERM/SIGHUP. Returns the function that
 * unregisters it (call it after cleaning up normally). Cleanups run newest first, so processes registered after
 * their working directory are killed before the directory is removed.
 */
export function registerCleanup(fn: Cleanup): () => void {
  install();
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

/** Runs and forgets every registered cleanup; one failing cleanup does not stop the others. */
export function runCleanupsNow(): void {
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of pending) {
    try {
      fn();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
    }
  }
}

export function pendingCleanupCount(): number {
  return cleanups.size;
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanupsNow);
  for (const [signal, signo] of Object.entries(SIGNALS)) {
    process.on(signal, () => {
      runCleanupsNow();
      process.exit(128 + signo);
    });
  }
}
