import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup } from '../../lifecycle';
import { outputTail, runCommand } from '../../setup';
import type { BackendControls, SwtpmControls, SwtpmSignal, TokenControls, Undo } from '../backend-controls';
import { delay, POLL_INTERVAL_MS } from '../poll';
import { startSwtpm, type RunningSwtpm } from './swtpm';

// A TPM tool that does not return within this is reported as hanging, not waited for.
const TOOL_TIMEOUT_S = 10;

/** What the swtpm controls act on: the run's swtpm, replaced in place by a restart. */
export interface NativeBackendParts {
  readonly runDir: string;
  swtpm?: RunningSwtpm;
}

/** The pid of the swtpm process the watchdog shell runs (the watched pid is the shell's). */
function swtpmPid(watchdogPid: number): number | undefined {
  let children: string[];
  try {
    children = readFileSync(`/proc/${watchdogPid}/task/${watchdogPid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    return undefined;
  }
  for (const child of children) {
    try {
      if (readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'swtpm') return Number(child);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

async function tool(command: string, args: string[], what: string): Promise<void> {
  const r = await runCommand('timeout', [String(TOOL_TIMEOUT_S), command, ...args]);
  if (r.code === 124) throw new Error(`${what}: ${command} did not return within ${TOOL_TIMEOUT_S} s`);
  if (r.code !== 0) throw new Error(`${what}: ${command} exited with code ${r.code}: ${outputTail(r.output, 5)}`);
}

class NativeSwtpmControls implements SwtpmControls {
  private frozen = false;

  constructor(private readonly parts: NativeBackendParts & { swtpm: RunningSwtpm }) {}

  get component(): string {
    return `swtpm on 127.0.0.1:${this.parts.swtpm.port}`;
  }

  running(): boolean {
    return this.parts.swtpm.process.exitInfo() === undefined;
  }

  async signal(signal: SwtpmSignal): Promise<void> {
    const pid = swtpmPid(this.parts.swtpm.process.pid);
    if (pid === undefined) throw new Error(`${this.component}: no swtpm process to send ${signal} to`);
    process.kill(pid, signal);
    if (signal === 'SIGSTOP') this.frozen = true;
    if (signal === 'SIGCONT') this.frozen = false;
    // Polled, not awaited: a pending promise alone does not keep the event loop (and the caller) alive.
    if (signal === 'SIGKILL') {
      const deadline = Date.now() + TOOL_TIMEOUT_S * 1000;
      while (this.running() && Date.now() < deadline) await delay(POLL_INTERVAL_MS);
      if (this.running()) throw new Error(`${this.component} did not end within ${TOOL_TIMEOUT_S} s of SIGKILL`);
    }
  }

  async restart(): Promise<void> {
    if (this.running()) throw new Error(`${this.component} is still running; kill it before a restart`);
    this.parts.swtpm = await startSwtpm(this.parts.runDir, 10_000, this.parts.swtpm.port);
  }

  async powerCycle(): Promise<void> {
    const { port } = this.parts.swtpm;
    await tool('swtpm_ioctl', ['--tcp', `127.0.0.1:${port + 1}`, '-i'], `TPM_Init of ${this.component}`);
    await tool('tpm2_startup', ['-c', '-T', this.parts.swtpm.tcti], `TPM2_Startup(CLEAR) on ${this.component}`);
  }

  /** A frozen swtpm would keep its group's SIGTERM pending forever: thaw it before the target stops it. */
  release(): void {
    if (!this.frozen) return;
    const pid = swtpmPid(this.parts.swtpm.process.pid);
    if (pid !== undefined) process.kill(pid, 'SIGCONT');
    this.frozen = false;
  }
}

class NativeTokenControls implements TokenControls {
  private readonly undos = new Set<() => void>();

  constructor(private readonly tokenDir: string) {}

  get component(): string {
    return `SoftHSM2 token directory ${this.tokenDir}`;
  }

  async remove(): Promise<Undo> {
    const folders = readdirSync(this.tokenDir).filter((f) => !f.startsWith('.'));
    if (folders.length === 0) throw new Error(`${this.component} holds no token folder to remove`);
    const moved = folders.map((f) => ({ from: join(this.tokenDir, f), to: join(this.tokenDir, '..', `removed-${f}`) }));
    for (const m of moved) renameSync(m.from, m.to);
    return this.once(() => {
      for (const m of moved) if (existsSync(m.to)) renameSync(m.to, m.from);
    });
  }

  async readOnly(): Promise<Undo> {
    mount(['--bind', this.tokenDir, this.tokenDir], this.component);
    const undo = this.once(() => mount(['-l', this.tokenDir], this.component, 'umount'));
    try {
      mount(['-o', 'remount,bind,ro', this.tokenDir], this.component);
    } catch (e) {
      await undo();
      throw e;
    }
    return undo;
  }

  /** Wraps a synchronous undo: registered for process exit too, forgotten once done. */
  private once(fn: () => void): Undo {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      this.undos.delete(run);
      unregister();
      fn();
    };
    const unregister = registerCleanup(run);
    this.undos.add(run);
    return async () => run();
  }

  /** Undoes whatever is still in force, so the run dir can be removed. */
  release(): void {
    for (const undo of [...this.undos].reverse()) undo();
  }
}

function mount(args: string[], component: string, command = 'mount'): void {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: TOOL_TIMEOUT_S * 1000 });
  if (r.status !== 0) {
    throw new Error(`${component}: ${command} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  }
}

/** The controls of a native target's own backends, and what undoes every fault still in force at its stop. */
export function nativeBackendControls(
  parts: NativeBackendParts,
  /** SoftHSM2's token directory (`directories.tokendir`), when the target made a token. */
  tokenDir: string | undefined,
): { controls: BackendControls; release: () => void } {
  const swtpm = parts.swtpm
    ? new NativeSwtpmControls(parts as NativeBackendParts & { swtpm: RunningSwtpm })
    : undefined;
  const token = tokenDir ? new NativeTokenControls(tokenDir) : undefined;
  return {
    controls: { ...(swtpm ? { swtpm } : {}), ...(token ? { token } : {}) },
    release: () => {
      swtpm?.release();
      token?.release();
    },
  };
}
