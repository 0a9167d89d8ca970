import { isPidAlive } from '../../../harness/lifecycle';
import { dockerClient } from '../../../harness/setup';
import { PID_LABEL } from '../../../harness/targets/containers';

/** What Docker holds of the harness's: containers (with their owner pid), volumes and networks. */
export interface DockerState {
  readonly containers: readonly { id: string; pid: number; role: string; state: string }[];
  readonly volumes: readonly string[];
  readonly networks: readonly string[];
}

export async function dockerState(): Promise<DockerState> {
  const docker = dockerClient();
  const list = await docker.listContainers({ all: true, filters: { label: [PID_LABEL] } });
  const volumes = (await docker.listVolumes()).Volumes ?? [];
  const networks = await docker.listNetworks();
  return {
    containers: list.map((c) => ({
      id: c.Id,
      pid: Number(c.Labels[PID_LABEL]),
      role: c.Labels['org.parsec-conformance.role'] ?? '?',
      state: c.State,
    })),
    volumes: volumes.map((v) => v.Name),
    // The engine's own three networks are always there.
    networks: networks.map((n) => n.Name).filter((n) => !['bridge', 'host', 'none'].includes(n)),
  };
}

/** Containers of harness processes that have ended: each is a leak. */
export async function orphanedContainers(): Promise<DockerState['containers']> {
  return (await dockerState()).containers.filter((c) => !isPidAlive(c.pid));
}

/** Waits until `check` holds (polling Docker), up to `timeoutMs`; returns the last state seen. */
export async function waitFor<T>(read: () => Promise<T>, check: (t: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}
