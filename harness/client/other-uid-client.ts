import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, linkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRunDir, registerCleanup } from '../lifecycle';
import {
  ServiceStatusError,
  type AsymmetricSignature,
  type KeyAttributes,
  type KeyInfo,
  type OpcodeName,
  type ProviderArg,
} from '../wire';
import { encodeLine, parseReply, type ChildMethod, type ChildReply } from './uid-client-protocol';

/** uid/gid of 'nobody' on Debian: an identity that certainly differs from the harness's own. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

const READY_TIMEOUT_MS = 20_000;
const CALL_TIMEOUT_MS = 30_000;

const OPCODE_OF: Readonly<Record<ChildMethod, OpcodeName>> = {
  ping: 'Ping',
  listKeys: 'ListKeys',
  listClients: 'ListClients',
  deleteClient: 'DeleteClient',
  generateKey: 'PsaGenerateKey',
  importKey: 'PsaImportKey',
  exportPublicKey: 'PsaExportPublicKey',
  destroyKey: 'PsaDestroyKey',
  signHash: 'PsaSignHash',
  verifyHash: 'PsaVerifyHash',
};

/** Why a client cannot run as another user here, or undefined when it can (the harness runs as root). */
export function otherUidUnavailable(): string | undefined {
  if (typeof process.getuid !== 'function') return 'this platform has no Unix uids';
  if (process.getuid() !== 0)
    return `running a client as another uid needs root; the harness runs as uid ${process.getuid()}`;
  return undefined;
}

export interface OtherUidClientOptions {
  readonly socketPath: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * A Parsec client in a child process that runs as another Unix user, so the service's peer credentials name a
 * second identity. The service's socket (mode 0666) sits in the run dir (mode 0700), which that user cannot
 * traverse: the child connects through a hard link of the socket in a world-searchable temp dir instead.
 * Failing calls reject with ServiceStatusError like ParsecClient's, so expectStatus works on them.
 */
export class OtherUidClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ChildReply) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited: string | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly unregister: () => void,
    readonly uid: number,
  ) {
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      this.exited = code !== null ? `exited with code ${code}` : `ended by ${signal}`;
      for (const p of this.pending.values()) p.reject(this.childError(`the client child ${this.exited}`));
      this.pending.clear();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let reply: ChildReply;
      try {
        reply = parseReply(line);
      } catch (e) {
        this.stderr += `\n${(e as Error).message}`;
        return;
      }
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
    });
  }

  static async start(opts: OtherUidClientOptions): Promise<OtherUidClient> {
    const linkDir = createRunDir(tmpdir(), 'uid');
    const cleanupDir = () => rmSync(linkDir, { recursive: true, force: true });
    const unregisterDir = registerCleanup(cleanupDir);
    let child: ChildProcessWithoutNullStreams | undefined;
    try {
      chmodSync(linkDir, 0o755);
      const linkPath = join(linkDir, 'parsec.sock');
      linkSync(opts.socketPath, linkPath);
      child = spawn(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), join(__dirname, 'uid-client-child.ts'), linkPath],
        {
          uid: opts.uid,
          gid: opts.gid,
          cwd: linkDir,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: linkDir },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      const spawned = child;
      const unregisterChild = registerCleanup(() => spawned.kill('SIGKILL'));
      const client = new OtherUidClient(
        spawned,
        () => {
          unregisterChild();
          unregisterDir();
          cleanupDir();
        },
        opts.uid,
      );
      const ready = await client.await(0, READY_TIMEOUT_MS, 'start');
      if (!ready.ok || (ready.value as { uid?: number }).uid !== opts.uid) {
        throw client.childError(`the client child did not start as uid ${opts.uid}: ${JSON.stringify(ready)}`);
      }
      return client;
    } catch (e) {
      child?.kill('SIGKILL');
      unregisterDir();
      cleanupDir();
      throw e;
    }
  }

  private childError(message: string): Error {
    const tail = this.stderr.trim();
    return new Error(tail ? `${message}\n--- client child stderr ---\n${tail}` : message);
  }

  private await(id: number, timeoutMs: number, what: string): Promise<ChildReply> {
    return new Promise<ChildReply>((resolve, reject) => {
      if (this.exited) {
        reject(this.childError(`the client child ${this.exited}`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.childError(`the client child (uid ${this.uid}) did not answer ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Runs one client method in the child; a non-success status rejects with ServiceStatusError. */
  async call(method: ChildMethod, provider: ProviderArg, ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    const reply = this.await(id, CALL_TIMEOUT_MS, method);
    this.child.stdin.write(encodeLine({ id, method, args }));
    const r = await reply;
    if (r.ok) return r.value;
    if ('status' in r) {
      throw new ServiceStatusError({ status: r.status, statusName: r.statusName, opcode: OPCODE_OF[method], provider });
    }
    throw this.childError(`${method} in the client child (uid ${this.uid}) failed: ${r.error}`);
  }

  async listKeys(): Promise<KeyInfo[]> {
    return (await this.call('listKeys', 0)) as KeyInfo[];
  }

  async listClients(): Promise<string[]> {
    return (await this.call('listClients', 0)) as string[];
  }

  async deleteClient(client: string): Promise<void> {
    await this.call('deleteClient', 0, client);
  }

  async generateKey(provider: ProviderArg, keyName: string, attributes: KeyAttributes): Promise<void> {
    await this.call('generateKey', provider, provider, keyName, attributes);
  }

  async exportPublicKey(provider: ProviderArg, keyName: string): Promise<Buffer> {
    return (await this.call('exportPublicKey', provider, provider, keyName)) as Buffer;
  }

  async destroyKey(provider: ProviderArg, keyName: string): Promise<void> {
    await this.call('destroyKey', provider, provider, keyName);
  }

  async signHash(provider: ProviderArg, keyName: string, alg: AsymmetricSignature, hash: Uint8Array): Promise<Buffer> {
    return (await this.call('signHash', provider, provider, keyName, alg, hash)) as Buffer;
  }

  /** Ends the child and removes the socket link. Idempotent. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.stdin.end();
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await done;
      clearTimeout(killer);
    }
    this.unregister();
  }
}
