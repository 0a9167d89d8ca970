import { dockerClient } from './docker-client';

/**
 * Runs `cmd` in a container of `image` with no network, waits for it to end and returns its exit code and output
 * (stdout and stderr together). The container is removed whatever happens. Labels mark it as the harness's.
 */
export async function runOneShot(
  image: string,
  cmd: string[],
  binds: string[] = [],
  labels: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const docker = dockerClient();
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: cmd.slice(0, 1),
    Cmd: cmd.slice(1),
    HostConfig: { NetworkMode: 'none', Binds: binds },
    Labels: { 'org.parsec-conformance.one-shot': 'true', ...labels },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    return { code: StatusCode, output: demux(logs as unknown as Buffer) };
  } finally {
    await container.remove({ force: true, v: true });
  }
}

/** The text of Docker's multiplexed log stream (8-byte frame headers before each chunk). */
export function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
