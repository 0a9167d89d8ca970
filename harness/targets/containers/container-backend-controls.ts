import { spawnSync } from 'node:child_process';
import type { BackendControls, SwtpmControls, SwtpmSignal } from '../backend-controls';

/** What the container target cannot do to its backends that the native one can: the reasons, for errors and skips. */
export const CONTAINER_BACKEND_LIMITS = {
  swtpmRestart:
    "Parsec's container shares the swtpm container's network namespace, and a swtpm container started again would have a new one that Parsec cannot reach: swtpm is not restarted on the container target",
  token:
    'the SoftHSM2 token lives in the SoftHSM2 container behind p11-kit, where its folder can be neither moved from here nor bind-mounted read-only without privileges the container does not have',
} as const;

const TIMEOUT_MS = 15_000;
// TPM2_Startup(TPM_SU_CLEAR): tag TPM_ST_NO_SESSIONS, size 12, TPM_CC_Startup, TPM_SU_CLEAR.
const STARTUP_CLEAR = '\\x80\\x01\\x00\\x00\\x00\\x0c\\x00\\x00\\x01\\x44\\x00\\x00';

function docker(args: readonly string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: TIMEOUT_MS });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** A bash line run in the swtpm container that signals the swtpm process (not the container's entrypoint). */
function signalScript(signal: SwtpmSignal): string {
  const name = signal.replace(/^SIG/, '');
  return `for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = swtpm ] && kill -${name} \${p#/proc/} && exit 0; done; echo 'no swtpm process' >&2; exit 1`;
}

class ContainerSwtpmControls implements SwtpmControls {
  private frozen = false;

  constructor(private readonly id: string) {}

  get component(): string {
    return `swtpm container ${this.id.slice(0, 12)}`;
  }

  running(): boolean {
    const r = docker(['inspect', '-f', '{{.State.Running}}', this.id]);
    return r.ok && r.out === 'true';
  }

  async signal(signal: SwtpmSignal): Promise<void> {
    const r = docker(['exec', this.id, 'bash', '-c', signalScript(signal)]);
    if (!r.ok) throw new Error(`${this.component}: ${signal} to swtpm failed: ${r.out}`);
    if (signal === 'SIGSTOP') this.frozen = true;
    if (signal === 'SIGCONT') this.frozen = false;
    if (signal === 'SIGKILL') {
      // The container's entrypoint ends with swtpm.
      const deadline = Date.now() + TIMEOUT_MS;
      while (this.running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (this.running()) throw new Error(`${this.component} still runs ${TIMEOUT_MS} ms after SIGKILL to swtpm`);
    }
  }

  async restart(): Promise<void> {
    throw new Error(`${this.component}: ${CONTAINER_BACKEND_LIMITS.swtpmRestart}`);
  }

  async powerCycle(): Promise<void> {
    const init = docker(['exec', this.id, 'swtpm_ioctl', '--tcp', '127.0.0.1:2322', '-i']);
    if (!init.ok) throw new Error(`TPM_Init of ${this.component}: swtpm_ioctl failed: ${init.out}`);
    // The image has no tpm2-tools: TPM2_Startup(CLEAR) is written to the command port by hand, its response code read.
    const startup = docker([
      'exec',
      this.id,
      'bash',
      '-c',
      `exec 3<>/dev/tcp/127.0.0.1/2321; printf '${STARTUP_CLEAR}' >&3; head -c 10 <&3 | od -An -tx1 | tr -d ' \\n'`,
    ]);
    if (!startup.ok || !/^8001000000 ?0a00000000$/.test(startup.out.replace(/\s/g, ''))) {
      throw new Error(`TPM2_Startup(CLEAR) on ${this.component}: expected response code 0, got '${startup.out}'`);
    }
  }

  /** A frozen swtpm would hold Parsec's shutdown: thaw it first. */
  release(): void {
    if (this.frozen && this.running()) docker(['exec', this.id, 'bash', '-c', signalScript('SIGCONT')]);
    this.frozen = false;
  }
}

/** The controls of a container target's own swtpm (none for its token: CONTAINER_BACKEND_LIMITS.token). */
export function containerBackendControls(swtpmId: string | undefined): {
  controls: BackendControls;
  release: () => void;
} {
  const swtpm = swtpmId ? new ContainerSwtpmControls(swtpmId) : undefined;
  return { controls: swtpm ? { swtpm } : {}, release: () => swtpm?.release() };
}
