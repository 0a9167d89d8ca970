import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTarget } from '../targets';
import type { ResourceSample } from './resource-growth';

/**
 * The Parsec process of a started target, as this machine's /proc sees it, or why it cannot be had. Native: the
 * process whose command line names the target's own config.toml (the watchdog shell that started it names it too,
 * and is left out). Containers: the Parsec container's init process (its image's entrypoint is parsec itself), from
 * `docker inspect`. An attached service is not ours to watch.
 */
export function parsecPidOf(target: StartedTarget): { pid: number } | { unavailable: string } {
  if (target.kind === 'native') {
    const workDir = (target as StartedTarget & { workDir?: string }).workDir;
    if (!workDir) return { unavailable: 'the native target does not say where its config is' };
    const config = join(workDir, 'config.toml');
    const found = processesNaming(config).filter((p) => p.comm !== 'sh');
    if (found.length !== 1) {
      return {
        unavailable: `expected one Parsec process naming ${config} in /proc, found ${found.length}${found.length > 0 ? ` (${found.map((p) => `${p.pid} ${p.comm}`).join(', ')})` : ''}`,
      };
    }
    return { pid: (found[0] as { pid: number }).pid };
  }
  if (target.kind === 'containers') {
    const id = (target as StartedTarget & { containerIds?: Readonly<Record<string, string>> }).containerIds?.parsec;
    if (!id) return { unavailable: 'the container target does not name its Parsec container' };
    try {
      const out = execFileSync('docker', ['inspect', '--format', '{{.State.Pid}}', id], { encoding: 'utf8' }).trim();
      const pid = Number(out);
      if (!Number.isInteger(pid) || pid <= 0) return { unavailable: `docker inspect gave the pid '${out}'` };
      return { pid };
    } catch (e) {
      return { unavailable: `docker inspect of the Parsec container failed: ${(e as Error).message}` };
    }
  }
  return {
    unavailable: `the ${target.kind} target's process is not one the harness started, so it does not read its /proc`,
  };
}

function processesNaming(text: string): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv.includes(text)) continue;
      out.push({ pid: Number(entry), comm: readFileSync(`/proc/${entry}/comm`, 'utf8').trim() });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Resident set size in KiB, from the VmRSS line of /proc/<pid>/status. */
export function parseVmRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error('no VmRSS line in /proc/<pid>/status (a kernel thread, or a process that has exited)');
  return Number(m[1]);
}

/** One reading of the process; throws when it is gone (the soak then reports the service as lost). */
export function sampleProcess(pid: number, atMs: number): ResourceSample {
  const rssKiB = parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  return { atMs, rssKiB, fds };
}
