import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { dockerClient } from '../setup';
import { sessionLabels, TARGET_LABEL } from '../targets/containers';
import { ClientCommandError, type ToolResult } from './tool-result';

/** Where a client container sees the service's socket: the only file of its /run/parsec. */
export const SOCKET_IN_CLIENT = '/run/parsec/parsec.sock';
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs parsec-tool against one service, authenticated as this process's user (the Unix peer credentials the harness's
 * own client has): a binary on this machine, or an exec in a client container of its own.
 */
export interface ParsecTool {
  /** Where it runs, for messages: the binary, or the client image. */
  readonly where: string;
  run(args: readonly string[], timeoutMs?: number): Promise<ToolResult>;
  /** Stops what it started (the client container); idempotent. */
  close(): Promise<void>;
}

/** Runs it and throws a ClientCommandError unless it exited with status 0; returns stdout. */
export async function runOk(tool: ParsecTool, args: readonly string[]): Promise<string> {
  const r = await tool.run(args);
  if (r.code !== 0) throw new ClientCommandError(r, tool.where);
  return r.stdout;
}

/** parsec-tool as a process of this machine, with the service's socket in PARSEC_SERVICE_ENDPOINT. */
export function nativeParsecTool(binary: string, socketPath: string): ParsecTool {
  // Only what it needs: no RUST_LOG of the caller's, nothing the harness keeps secret.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', PARSEC_SERVICE_ENDPOINT: `unix:${socketPath}` };
  return {
    where: binary,
    run: (args, timeoutMs = DEFAULT_TIMEOUT_MS) =>
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
            resolve({ args: [...args], code, stdout, stderr: `${stderr}${note}`, durationMs: Date.now() - started });
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
  const run = async (args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ToolResult> => {
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
    };
  };
  return { where: `client image ${image}`, run, close };
}
