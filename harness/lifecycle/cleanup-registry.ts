import realProcess from 'node:process';
import { liveChildrenOf } from './process-group';

/** A synchronous cleanup: it may run from a process 'exit' handler, where nothing asynchronous completes. */
export type Cleanup = () => void;

/**
 * One registry per process, whatever the module instance: Jest loads the harness once for the CLI, once for its
 * globalSetup and once per suite file (each in a module registry and global object of its own), and all of them must
 * clean up on one signal. Node's own `process` module is the one object they all share.
 */
interface Registry {
  readonly cleanups: Set<Cleanup>;
  installed: boolean;
  /** Set by a stopping signal: the process is on its way out. */
  signalled: boolean;
}
const REGISTRY = Symbol.for('parsec-conformance.cleanup-registry');
const holder = realProcess as unknown as Record<symbol, Registry | undefined>;
const registry: Registry = holder[REGISTRY] ?? { cleanups: new Set<Cleanup>(), installed: false, signalled: false };
holder[REGISTRY] = registry;
const cleanups = registry.cleanups;

/** Why nothing new may be started: the process got a stopping signal and is cleaning up. Undefined otherwise. */
export function stoppingReason(): string | undefined {
  return registry.signalled ? 'the harness is stopping (interrupted): nothing new is started' : undefined;
}

/** How long a signalled process waits, after its cleanups, for the event loop to reap its ended children. */
const REAP_MS = 100;
/** How long it waits at most for children that clean up on the same signal (Jest workers stopping their targets). */
const CHILDREN_WAIT_MS = 10_000;

/**
 * Exits once no child of this process is running any more (or after CHILDREN_WAIT_MS), and a moment later, so that the
 * event loop reaps them first. A Ctrl-C reaches the whole process group: the CLI's Jest workers stop their own targets
 * on it too, and a CLI that exited at once would have them killed mid-cleanup and leave their shells to init.
 */
function exitOnceChildrenEnded(code: number): void {
  const deadline = Date.now() + CHILDREN_WAIT_MS;
  const poll = (): void => {
    if (liveChildrenOf(realProcess.pid).length === 0 || Date.now() > deadline) {
      setTimeout(() => realProcess.exit(code), REAP_MS);
    } else {
      setTimeout(poll, 20);
    }
  };
  poll();
}

const SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Registers `fn` to run once when the process exits or is stopped by SIGINT/SIGTERM/SIGHUP. Returns the function that
 * unregisters it (call it after cleaning up normally). Cleanups run newest first, so processes registered after
 * their working directory are killed before the directory is removed.
 */
export function registerCleanup(fn: Cleanup): () => void {
  install();
  // After a stopping signal, work still in flight may start a process or make a folder: it is undone at once, and
  // again at exit (cleanups are idempotent), for what the same work did after registering (files into the folder).
  if (registry.signalled) {
    try {
      fn();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
    }
  }
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

/**
 * Runs every registered cleanup, newest first, and forgets them unless `keep` (after a signal they run once more at
 * exit: in-flight work may have written into a folder after it was removed). One failing cleanup does not stop the
 * others.
 */
export function runCleanupsNow(keep = false): void {
  const pending = [...cleanups].reverse();
  if (!keep) cleanups.clear();
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
  if (registry.installed) return;
  registry.installed = true;
  realProcess.on('exit', () => runCleanupsNow());
  for (const [signal, signo] of Object.entries(SIGNALS)) {
    realProcess.on(signal, () => {
      registry.signalled = true;
      runCleanupsNow(true);
      exitOnceChildrenEnded(128 + signo);
    });
  }
}
