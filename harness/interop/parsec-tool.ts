import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { dockerClient } from '../setup';
import { sessionLabels, TARGET_LABEL } from '../targets/containers';
import { gateRequest, noteRequest, requestTimeout, RequestRefusedError } from '../wire';
import { ClientCommandError, type ToolResult } from './tool-result';

/** Where a client container sees the service's socket: the only file of its /run/parsec. */
export const SOCKET_IN_CLIENT = '/run/parsec/parsec.sock';
/**
 * A parsec-tool command gets the run's request timeout (--request-timeout) for its operation, plus this for starting
 * and for the listing requests it sends first.
 */
const TOOL_OVERHEAD_MS = 10_000;
const toolTimeoutMs = (): number => requestTimeout() + TOOL_OVERHEAD_MS;

/**
 * Runs parsec-tool against one service, authenticated as this process's user (the Unix peer credentials the harness's
 * own client has): a binary on this machine, or an exec in a client container of its own.
 */
export interface ParsecTool {
  /** Where it runs, for messages: the binary, or the client image. */
  readonly where: string;
  /** The service's socket as the harness reaches it (for the hang guard's gate). */
  readonly socketPath: string;
  run(args: readonly string[], timeoutMs?: number): Promise<ToolResult>;
  /** Stops what it started (the client container); idempotent. */
  close(): Promise<void>;
}

/**
 * The requests a parsec-tool subcommand sends that an operation can hang on, by subcommand (its listing requests
 * before them are left out: the gate is about the operation).
 */
const SUBCOMMAND_OPCODES: Readonly<Record<string, readonly string[]>> = {
  ping: ['Ping'],
  'list-providers': ['ListProviders'],
  'list-authenticators': ['ListAuthenticators'],
  'list-opcodes': ['ListOpcodes'],
  'list-keys': ['ListKeys'],
  'list-clients': ['ListClients'],
  'create-rsa-key': ['PsaGenerateKey'],
  'create-ecc-key': ['PsaGenerateKey'],
  'delete-key': ['PsaDestroyKey'],
  'export-public-key': ['PsaExportPublicKey'],
  sign: ['PsaSignHash'],
  encrypt: ['PsaAsymmetricEncrypt'],
  decrypt: ['PsaAsymmetricDecrypt'],
  'create-csr': ['PsaExportPublicKey', 'PsaSignHash'],
  'generate-random': ['PsaGenerateRandom'],
};

/**
 * Why the harness must not run these arguments against the service on `socketPath`, or undefined: the kit's hang guard
 * refuses an operation that already hung in the run (each hung request holds one of Parsec's threads, so a client
 * that sends it again may leave the whole service without one), and everything once the service is gone.
 */
export function refusedByGate(args: readonly string[], socketPath: string): RequestRefusedError | undefined {
  const { provider, subcommand } = operationOf(args);
  for (const opcode of SUBCOMMAND_OPCODES[subcommand] ?? ['Ping']) {
    const why = gateRequest({ opcode, provider, socketPath });
    if (why !== undefined) return new RequestRefusedError(opcode, provider, `${why} (parsec-tool ${subcommand})`);
  }
  return undefined;
}

/** The operation a subcommand is about (the request it sends last) and its provider, as the hang guard names them. */
function operationOf(args: readonly string[]): { opcode: string; provider: number; subcommand: string } {
  const p = args.indexOf('-p');
  const provider = p >= 0 ? Number(args[p + 1]) : 0;
  const subcommand = args.find((a, i) => !a.startsWith('-') && (i === 0 || args[i - 1] !== '-p')) ?? '';
  const opcodes = SUBCOMMAND_OPCODES[subcommand] ?? ['Ping'];
  return { opcode: opcodes[opcodes.length - 1] as string, provider, subcommand };
}

/**
 * Runs it and throws a ClientCommandError unless it exited with status 0; returns stdout. A command the kit's hang
 * guard refuses is not run; one that gets no end in time is told to the guard as its operation getting no answer, so
 * that the case's verdict says whether that operation hangs or the service is gone, as for the harness's requests.
 */
export async function runOk(tool: ParsecTool, args: readonly string[]): Promise<string> {
  const refused = refusedByGate(args, tool.socketPath);
  if (refused) throw refused;
  const r = await tool.run(args);
  if (r.timedOutMs !== undefined) {
    const { opcode, provider, subcommand } = operationOf(args);
    noteRequest({
      opcode,
      provider,
      summary: `parsec-tool ${subcommand} (${tool.where})`,
      noAnswer: { reason: 'timed out', timeoutMs: r.timedOutMs, socketPath: tool.socketPath },
    });
  }
  if (r.code !== 0) throw new ClientCommandError(r, tool.where);
  return r.stdout;
}

/** parsec-tool as a process of this machine, with the service's socket in PARSEC_SERVICE_ENDPOINT. */
export function nativeParsecTool(binary: string, socketPath: string): ParsecTool {
  // Only what it needs: no RUST_LOG of the caller's, nothing the harness keeps secret.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', PARSEC_SERVICE_ENDPOINT: `unix:${socketPath}` };
  return {
    where: binary,
    socketPath,
    run: (args, timeoutMs = toolTimeoutMs()) =>
      new Promise((resolve) => {
        const started = Date.now();
        execFile(
          binary,
          [...args],
          { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 << 20, encoding: 'utf8' },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
            const note =
              err && code === -1 ? `\n[harness] ${err.killed ? `killed after ${timeoutMs} ms` : err.message}` : '';
            resolve({
              args: [...args],
              code,
              stdout,
              stderr: `${stderr}${note}`,
              durationMs: Date.now() - started,
              ...(err?.killed ? { timedOutMs: timeoutMs } : {}),
            });
          },
        );
      }),
    close: async () => undefined,
  };
}

/**
 * parsec-tool in a client container of `image`, started once and kept for exec: no network, the service's socket
 * bound in as its only file of /run/parsec, running as this process's uid:gid (the same Unix peer identity as the
 * harness's client). Labelled as the session's, so a killed harness's container is removed too.
 */
export async function containerParsecTool(image: string, socketPath: string): Promise<ParsecTool> {
  const docker = dockerClient();
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    User: `${uid}:${gid}`,
    Env: [`PARSEC_SERVICE_ENDPOINT=unix:${SOCKET_IN_CLIENT}`],
    HostConfig: { NetworkMode: 'none', Binds: [`${socketPath}:${SOCKET_IN_CLIENT}`], AutoRemove: false },
    Labels: { ...sessionLabels(), [TARGET_LABEL]: 'interop', 'org.parsec-conformance.role': 'parsec-tool' },
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await container.remove({ force: true, v: true }).catch(() => undefined);
  };
  try {
    await container.start();
  } catch (e) {
    await close();
    throw e;
  }
  const run = async (args: readonly string[], timeoutMs = toolTimeoutMs()): Promise<ToolResult> => {
    const started = Date.now();
    const exec = await container.exec({ Cmd: ['parsec-tool', ...args], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
    out.on('data', (c: Buffer) => chunks.out.push(c));
    err.on('data', (c: Buffer) => chunks.err.push(c));
    docker.modem.demuxStream(stream, out, err);
    const ended = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      stream.on('end', () => {
        clearTimeout(timer);
        resolve(true);
      });
      stream.on('error', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ended) (stream as unknown as { destroy?: () => void }).destroy?.();
    const info = await exec.inspect();
    const note = ended ? '' : `\n[harness] no end after ${timeoutMs} ms`;
    return {
      args: [...args],
      code: ended && typeof info.ExitCode === 'number' ? info.ExitCode : -1,
      stdout: Buffer.concat(chunks.out).toString('utf8'),
      stderr: `${Buffer.concat(chunks.err).toString('utf8')}${note}`,
      durationMs: Date.now() - started,
      ...(ended ? {} : { timedOutMs: timeoutMs }),
    };
  };
  return { where: `client image ${image}`, socketPath, run, close };
}
