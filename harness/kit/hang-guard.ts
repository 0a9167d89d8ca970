import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParsecClient, requestTimeout, setRequestGate, type SentRequest } from '../wire';
import { logFileTail } from './liveness';

/**
 * A request that gets no answer within the run's request timeout is not the end of a run. After one, a Ping on a
 * fresh connection tells the two cases apart:
 * - the service answers: this operation hangs. The case fails with that verdict, and later requests of the same
 *   operation to the same provider are not sent at all (each would hold one more of the service's threads and cost
 *   the timeout again); the cases that send one fail at once, naming the case that saw the hang;
 * - it does not: the service is gone. The run stops with that verdict and the service's log tail; every remaining
 *   case is reported as not run, with that reason, and nothing more is sent to the service.
 * The verdicts are files in the run's meta folder, so every Jest worker and the reporter see them.
 */

/** How long the deciding Ping may take: a live service answers it in milliseconds, even while one request hangs. */
const PING_TIMEOUT_MS = 3000;

export interface HangVerdict {
  readonly opcode: string;
  readonly provider: number;
  /** The case that saw the hang. */
  readonly caseId: string;
  readonly timeoutMs: number;
}

export interface GoneVerdict {
  readonly caseId: string;
  readonly message: string;
}

function hangsDir(metaDir: string): string {
  return join(metaDir, 'hangs');
}

function goneFile(metaDir: string): string {
  return join(metaDir, 'service-gone.json');
}

/** The run's verdict that the service stopped answering, if one was reached. */
export function readGoneVerdict(metaDir: string): GoneVerdict | undefined {
  try {
    return JSON.parse(readFileSync(goneFile(metaDir), 'utf8')) as GoneVerdict;
  } catch {
    return undefined;
  }
}

/** The operations the run found to hang, with the case that saw each. */
export function readHangVerdicts(metaDir: string): HangVerdict[] {
  let files: string[];
  try {
    files = readdirSync(hangsDir(metaDir));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(join(hangsDir(metaDir), f), 'utf8')) as HangVerdict];
    } catch {
      return [];
    }
  });
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export interface HangGuardOptions {
  readonly metaDir: string;
  /** The run's service. Services the suites start (own targets) are judged too, each on its own (below). */
  readonly socketPath: string;
  readonly serviceLog: string | undefined;
}

/**
 * One per test file: installs the request gate and judges the requests of each case that got no answer.
 *
 * The run's service decides for the whole run: an operation that hangs on it is not sent again to it nor to any
 * service a suite starts (they have the same Parsec and backends), and once it is gone nothing more is sent. A service
 * a suite or case started is judged on its own: a hang there gates only that service (a fault suite breaks its own
 * backends on purpose), and one that stops answering fails the case, not the run. A request whose client chose a
 * deadline shorter than the run's request timeout expected it might get no answer: it is not judged.
 */
export class HangGuard {
  readonly #o: HangGuardOptions;
  /** Run-wide, by `opcode@provider`. */
  #hangs = new Map<string, HangVerdict>();
  /** Per service a suite started, by `opcode@provider@socket`. */
  #ownHangs = new Map<string, HangVerdict>();
  #gone: GoneVerdict | undefined;

  constructor(options: HangGuardOptions) {
    this.#o = options;
    setRequestGate((r) => {
      if (this.#gone) return `the service stopped answering (in case ${this.#gone.caseId})`;
      const key = `${r.opcode}@${r.provider}`;
      const hang = this.#hangs.get(key) ?? this.#ownHangs.get(`${key}@${r.socketPath}`);
      return hang
        ? `${r.opcode} on provider ${r.provider} hung in case ${hang.caseId} (no answer in ${seconds(hang.timeoutMs)}); this run sends it no more`
        : undefined;
    });
  }

  /** Reads what other workers found; before each case. Returns the run's gone verdict, if any. */
  refresh(): GoneVerdict | undefined {
    this.#gone ??= readGoneVerdict(this.#o.metaDir);
    for (const h of readHangVerdicts(this.#o.metaDir)) this.#hangs.set(`${h.opcode}@${h.provider}`, h);
    return this.#gone;
  }

  /**
   * After a failed case: when one of its requests got no answer within the run's request timeout, the verdict that
   * replaces its failure message (the original error stays as the cause), else undefined.
   */
  async judge(caseId: string, requests: readonly SentRequest[], failure: unknown): Promise<Error | undefined> {
    const timedOut = requests.find(
      (r) =>
        r.noAnswer?.reason === 'timed out' &&
        (r.noAnswer.socketPath === this.#o.socketPath || (r.noAnswer.timeoutMs ?? 0) >= requestTimeout()),
    );
    if (!timedOut?.noAnswer) return undefined;
    const timeoutMs = timedOut.noAnswer.timeoutMs ?? 0;
    const socketPath = timedOut.noAnswer.socketPath;
    const own = socketPath !== this.#o.socketPath;
    const what = `${timedOut.opcode} on provider ${timedOut.provider}${own ? ` of a service the case started (${socketPath})` : ''}`;
    const ping = await this.#ping(socketPath);
    if (ping === undefined) {
      const hang: HangVerdict = { opcode: timedOut.opcode, provider: timedOut.provider, caseId, timeoutMs };
      const key = `${hang.opcode}@${hang.provider}`;
      if (own) {
        this.#ownHangs.set(`${key}@${socketPath}`, hang);
      } else {
        this.#hangs.set(key, hang);
        mkdirSync(hangsDir(this.#o.metaDir), { recursive: true });
        writeFileSync(join(hangsDir(this.#o.metaDir), `${key}.json`), JSON.stringify(hang));
      }
      return new Error(
        `this operation hangs (no answer in ${seconds(timeoutMs)}; the service still answers Ping): ${what} (${timedOut.summary}). ` +
          `Later ${timedOut.opcode} requests to provider ${timedOut.provider}${own ? ' of that service' : ''} are not sent in this run.`,
        { cause: failure },
      );
    }
    if (own) {
      // A service of the case's own that stopped answering fails the case; the run's service is not judged by it.
      return new Error(
        `the case's own service is not answering: ${what} got no answer in ${seconds(timeoutMs)}, and a Ping on a ` +
          `fresh connection got none either (${ping}). The run goes on.`,
        { cause: failure },
      );
    }
    const message =
      `the service is gone / not answering: ${what} got no answer in ${seconds(timeoutMs)}, and a Ping on a fresh ` +
      `connection got none either (${ping}). The run stops here: every remaining case is reported as not run.\n` +
      `--- tail of the service log ---\n${logFileTail(this.#o.serviceLog)}`;
    this.#gone = { caseId, message };
    writeFileSync(goneFile(this.#o.metaDir), JSON.stringify(this.#gone));
    return new Error(message, { cause: failure });
  }

  /** Why the service on `socketPath` did not answer a Ping on a fresh connection, or undefined when it did. */
  async #ping(socketPath: string): Promise<string | undefined> {
    const probe = new ParsecClient({ socketPath, auth: 'none', readTimeoutMs: PING_TIMEOUT_MS });
    try {
      await probe.ping();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }
}

/** How the message of a case that was not run begins: the reporter fails such a case whatever its expectation. */
export const NOT_RUN_PREFIX = 'not run: ';

/** The failure of a case that did not run because the service had stopped answering. */
export function notRunError(gone: GoneVerdict): Error {
  return new Error(`${NOT_RUN_PREFIX}the service stopped answering in case ${gone.caseId}; the run stopped there`);
}
