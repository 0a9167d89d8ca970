import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRunDir, registerCleanup } from '../lifecycle';
import type { BenchOperation } from '../model/bench-result';
import type { ProviderKey } from '../model/providers';
import { SOFTHSM2_LIBRARY } from '../setup';
import { createSoftHsmToken, type SoftHsmToken } from '../targets/native/softhsm-token';
import { startSwtpm, type RunningSwtpm } from '../targets/native/swtpm';
import type { BenchTools } from './backend-tools';
import type { LoopSamples } from './timed-loop';

/** The helpers' name for each operation they time; an operation missing here is not timed on that backend. */
export const HELPER_OPS: Partial<Record<BenchOperation, string>> = {
  sign: 'sign',
  verify: 'verify',
  'asymmetric-encrypt': 'encrypt',
  'asymmetric-decrypt': 'decrypt',
  generate: 'generate',
  import: 'import',
  'export-public': 'export',
  random: 'random',
};

const PIN_VARIABLE = 'PARSEC_CONFORMANCE_BENCH_PIN';

/**
 * A SoftHSM2 token and an swtpm of the bench's own, made the way a native target makes Parsec's (same packages, same
 * code), in a run dir removed by close() or at exit. They are not Parsec's own instances: swtpm serves one connection
 * and Parsec's TPM provider holds it, and a token of its own keeps the bench's keys out of the service's store.
 */
export class DirectBackends {
  private constructor(
    private readonly tools: BenchTools,
    private readonly runDir: string,
    private readonly token: SoftHsmToken | undefined,
    private readonly swtpm: RunningSwtpm | undefined,
    private readonly unregister: () => void,
  ) {}

  static async start(tools: BenchTools, providers: readonly ProviderKey[]): Promise<DirectBackends> {
    const runDir = createRunDir(undefined, 'bench');
    let swtpm: RunningSwtpm | undefined;
    const unregister = registerCleanup(() => {
      swtpm?.process.stop().catch(() => undefined);
      rmSync(runDir, { recursive: true, force: true });
    });
    try {
      const token = providers.includes('pkcs11') ? await createSoftHsmToken(runDir) : undefined;
      swtpm = providers.includes('tpm') ? await startSwtpm(runDir) : undefined;
      return new DirectBackends(tools, runDir, token, swtpm, unregister);
    } catch (e) {
      await swtpm?.process.stop();
      rmSync(runDir, { recursive: true, force: true });
      unregister();
      throw e;
    }
  }

  /** Times `op` on the provider's backend with its C helper: warm-up and measured stretch happen in the helper. */
  async time(
    provider: 'pkcs11' | 'tpm',
    op: string,
    warmupMs: number,
    measureMs: number,
    threads: number,
  ): Promise<LoopSamples> {
    const timing = ['--op', op, '--warmup-ms', String(Math.round(warmupMs)), '--ms', String(Math.round(measureMs))];
    if (provider === 'pkcs11') {
      if (!this.token) throw new Error('the bench has no SoftHSM2 token (pkcs11 was not among the providers)');
      const args = ['--module', SOFTHSM2_LIBRARY, '--serial', this.token.serialNumber, '--pin-env', PIN_VARIABLE];
      return helper(
        this.tools.pkcs11Bench,
        [...args, ...timing, '--threads', String(threads)],
        { SOFTHSM2_CONF: this.token.confPath, [PIN_VARIABLE]: this.token.userPin },
        warmupMs + measureMs,
      );
    }
    if (!this.swtpm) throw new Error('the bench has no swtpm (tpm was not among the providers)');
    // The TSS logs every TPM error on stderr; the helper reports the failing call itself.
    return helper(
      this.tools.tpmBench,
      ['--tcti', this.swtpm.tcti, ...timing],
      { TSS2_LOG: 'all+none' },
      warmupMs + measureMs,
    );
  }

  async close(): Promise<void> {
    await this.swtpm?.process.stop();
    rmSync(this.runDir, { recursive: true, force: true });
    this.unregister();
  }
}

interface HelperOutput {
  readonly error?: string;
  readonly calls?: number;
  readonly elapsedNs?: number;
  readonly samplesNs?: number[];
}

/** Runs a helper with a time limit well past its own (key generation comes first) and reads its one JSON line. */
function helper(path: string, args: string[], env: NodeJS.ProcessEnv, loopMs: number): Promise<LoopSamples> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { env: { ...process.env, ...env }, timeout: loopMs + 60_000, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        let out: HelperOutput | undefined;
        try {
          out = JSON.parse(stdout) as HelperOutput;
        } catch {
          out = undefined;
        }
        const name = path.split('/').pop();
        if (out?.error) return reject(new Error(`${name}: ${out.error}`));
        if (err || !out?.samplesNs)
          return reject(new Error(`${name} ${args.slice(-6).join(' ')} failed: ${err?.message ?? 'no output'}`));
        resolve({ samplesNs: out.samplesNs, calls: out.calls ?? 0, elapsedNs: out.elapsedNs ?? 0 });
      },
    );
  });
}
