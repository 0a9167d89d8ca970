// Entry point of a client child process (started by OtherUidClient with another uid/gid): reads requests from
// stdin, runs them with a Unix-peer-credentials ParsecClient, writes one reply per request to stdout.
import { createInterface } from 'node:readline';
import { isServiceStatusError, ParsecClient } from '../wire';
import { encodeLine, parseRequest, type ChildReply } from './uid-client-protocol';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: uid-client-child <socket path>\n');
  process.exit(2);
}
const client = new ParsecClient({ socketPath, auth: 'unix-peer' });

async function answer(line: string): Promise<ChildReply> {
  let id = -1;
  try {
    const request = parseRequest(line);
    id = request.id;
    const method = client[request.method] as (...args: unknown[]) => Promise<unknown>;
    const value = await method.apply(client, [...request.args]);
    return { id, ok: true, value: value ?? null };
  } catch (e) {
    if (isServiceStatusError(e)) return { id, ok: false, status: e.status, statusName: e.statusName };
    return { id, ok: false, error: (e as Error).message };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  void answer(line).then((reply) => process.stdout.write(encodeLine(reply)));
});
lines.on('close', () => process.exit(0));
process.stdout.write(encodeLine({ id: 0, ok: true, value: { ready: true, uid: process.getuid?.() ?? -1 } }));
