import type Docker from 'dockerode';

let client: Docker | undefined;

/**
 * The Docker engine of this machine (DOCKER_HOST when set, else /var/run/docker.sock), through dockerode. Loaded
 * on first use: every test file imports the library, and only container runs need it.
 */
export function dockerClient(): Docker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  client ??= new (require('dockerode') as typeof Docker)();
  return client;
}

/** Undefined when the engine answers; otherwise why not. */
export async function engineProblem(): Promise<string | undefined> {
  try {
    await dockerClient().ping();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Reads a dockerode progress stream to its end: every message as it comes, and the first error the engine sent. */
export function followStream(
  stream: NodeJS.ReadableStream,
  onEvent: (event: { stream?: string; status?: string; error?: string; aux?: unknown }) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let engineError: string | undefined;
    dockerClient().modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err) reject(err);
        else if (engineError !== undefined) reject(new Error(engineError));
        else resolve();
      },
      (event: { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error !== undefined) engineError ??= event.errorDetail?.message ?? event.error;
        onEvent(event);
      },
    );
  });
}
