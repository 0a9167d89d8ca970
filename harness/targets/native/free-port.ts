import { createServer, type Server } from 'node:net';

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A port P such that P and P+1 are both free right now (swtpm needs a server and a control port). The kernel picks P;
 * P+1 is checked by binding it. The caller retries if swtpm still loses the race for them.
 */
export async function findFreePortPair(attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const first = await listen(0);
    if (!first) continue;
    const address = first.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const second = port > 0 && port < 65535 ? await listen(port + 1) : undefined;
    await close(first);
    if (second) {
      await close(second);
      return port;
    }
  }
  throw new Error(`no free pair of consecutive TCP ports on 127.0.0.1 after ${attempts} attempts`);
}
