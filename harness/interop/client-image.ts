import { PassThrough } from 'node:stream';
import { dockerClient, ensureDockerEngine, ensureImagePresent } from '../setup';
import { sessionLabels, TARGET_LABEL } from '../targets/containers';
import { SOCKET_IN_CLIENT } from './parsec-tool';

/** How a client image of the user's runs against the service under test (`run --client-image … --client-cmd …`). */
export interface ClientImageRequest {
  readonly image: string;
  /** A shell command line run with /bin/sh -c in the image; without it, the image's own entrypoint and command. */
  readonly command?: string;
  /** The service's socket on this machine. */
  readonly socketPath: string;
  readonly timeoutMs: number;
}

export interface ClientImageRun {
  /** Exit status; -1 when it was stopped at the time limit. */
  readonly exitCode: number;
  readonly timedOut: boolean;
  /** stdout and stderr as they came, together. */
  readonly output: string;
  readonly durationMs: number;
}

/** The image's short name, as case ids carry it: the last path segment, without tag or digest. */
export function clientImageSlug(image: string): string {
  const last = image.split('/').pop() ?? image;
  const name = last.replace(/@.*$/, '').replace(/:[^:]*$/, '');
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9.+#]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'client'
  );
}

/**
 * Runs the client image once, with no network and the service's socket as the only file of its /run/parsec
 * (PARSEC_SERVICE_ENDPOINT points at it), as this process's uid:gid, so that Unix peer credentials make it the same
 * application as the harness's client. The container is removed whatever happens.
 */
export async function runClientImage(req: ClientImageRequest): Promise<ClientImageRun> {
  await ensureDockerEngine(() => undefined);
  await ensureImagePresent(req.image, 'the client image');
  const docker = dockerClient();
  const container = await docker.createContainer({
    Image: req.image,
    ...(req.command !== undefined ? { Entrypoint: ['/bin/sh', '-c'], Cmd: [req.command] } : {}),
    User: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    Env: [`PARSEC_SERVICE_ENDPOINT=unix:${SOCKET_IN_CLIENT}`],
    HostConfig: { NetworkMode: 'none', Binds: [`${req.socketPath}:${SOCKET_IN_CLIENT}`] },
    Labels: { ...sessionLabels(), [TARGET_LABEL]: 'client-image', 'org.parsec-conformance.role': 'client' },
  });
  const started = Date.now();
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => chunks.push(c));
    docker.modem.demuxStream(stream, sink, sink);
    await container.start();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      container.kill().catch(() => undefined);
    }, req.timeoutMs);
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    // The attach stream may still be delivering the last bytes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return {
      exitCode: timedOut ? -1 : StatusCode,
      timedOut,
      output: Buffer.concat(chunks).toString('utf8'),
      durationMs: Date.now() - started,
    };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** How the CLI hands `--client-image`, `--client-cmd` and `--client-expect` to the slot's suite (workers inherit). */
export const CLIENT_IMAGE_ENV = {
  image: 'PARSEC_CONFORMANCE_CLIENT_IMAGE',
  command: 'PARSEC_CONFORMANCE_CLIENT_CMD',
  expect: 'PARSEC_CONFORMANCE_CLIENT_EXPECT',
} as const;
